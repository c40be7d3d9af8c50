package org.redtrove.api.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.redtrove.api.fault.KeystoneError;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues and checks tokens. A token is 32 random bytes (base64url); only its SHA-256 is stored,
 * so the tokens table cannot be replayed. Every failure to authenticate is the same 401, so the
 * answer does not tell which of user, password or project was wrong.
 */
@Service
public class TokenService {

    /** An issued or validated token with everything its Keystone body needs. */
    record Issued(String token, IdentityRepository.User user, IdentityRepository.Project project,
                  List<IdentityRepository.Role> roles, Instant issuedAt, Instant expiresAt, String auditId) {
    }

    private static final String DEFAULT_DOMAIN = "default";

    private final SecureRandom random = new SecureRandom();
    private final IdentityRepository repository;
    private final Passwords passwords;
    private final Duration ttl;

    public TokenService(IdentityRepository repository, Passwords passwords,
                        @Value("${redtrove.identity.token-ttl:1h}") Duration ttl) {
        this.repository = repository;
        this.passwords = passwords;
        this.ttl = ttl;
    }

    @Transactional
    Issued issue(PasswordAuthRequest request) {
        IdentityRepository.User user;
        Instant notAfter = null;
        if (request.token() != null) {
            // a token for a token: its user, never past its expiry, scoped anew
            Issued from = validate(request.token()).orElseThrow(KeystoneError::unauthorized);
            user = from.user();
            notAfter = from.expiresAt();
            if (!user.enabled() || !user.domain().enabled()) {
                throw KeystoneError.unauthorized();
            }
        } else {
            user = findUser(request.user()).orElseThrow(KeystoneError::unauthorized);
            if (!user.enabled() || !user.domain().enabled()
                    || !passwords.matches(request.password(), user.passwordHash())) {
                throw KeystoneError.unauthorized();
            }
        }
        IdentityRepository.Project project = null;
        List<IdentityRepository.Role> roles = List.of();
        if (request.project() != null) {
            project = findProject(request.project()).orElseThrow(KeystoneError::unauthorized);
        } else if (user.defaultProjectId() != null) {
            project = repository.projectById(user.defaultProjectId()).orElse(null);
        }
        if (project != null) {
            if (!project.enabled() || !project.domain().enabled()) {
                throw KeystoneError.unauthorized();
            }
            roles = repository.roles(user.id(), project.id());
            if (roles.isEmpty()) {
                throw KeystoneError.unauthorized();
            }
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = issuedAt.plus(ttl);
        if (notAfter != null && notAfter.isBefore(expiresAt)) {
            expiresAt = notAfter;
        }
        String hash = hash(token);
        repository.deleteExpiredTokens();
        repository.insertToken(hash, user.id(), project == null ? null : project.id(), issuedAt, expiresAt);
        return new Issued(token, user, project, roles, issuedAt, expiresAt, auditId(hash));
    }

    /**
     * The token's full description if it is live: not expired, user and project enabled, and, for a
     * project-scoped token, its user still holding a role on the project. Roles are read again on
     * every use, so removing a user's last role ends its tokens at once, as in Keystone.
     */
    Optional<Issued> validate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return repository.token(hash(token)).filter(IdentityRepository.StoredToken::live).flatMap(stored -> {
            Optional<IdentityRepository.User> user = repository.userById(stored.userId());
            if (user.isEmpty()) {
                return Optional.empty();
            }
            IdentityRepository.Project project = null;
            List<IdentityRepository.Role> roles = List.of();
            if (stored.projectId() != null) {
                project = repository.projectById(stored.projectId()).orElse(null);
                roles = repository.roles(stored.userId(), stored.projectId());
                if (project == null || roles.isEmpty()) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Issued(token, user.get(), project, roles, stored.issuedAt(), stored.expiresAt(),
                    auditId(stored.hash())));
        });
    }

    /** Ends a token at once (Keystone's revocation): every later use of it is a 401. */
    void revoke(Issued token) {
        repository.deleteToken(hash(token.token()));
    }

    /** The caller of a Trove route, or empty if the token is unknown, expired, disabled or has no role left. */
    public Optional<AuthContext> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return repository.token(hash(token)).filter(IdentityRepository.StoredToken::live).flatMap(stored -> {
            if (stored.projectId() == null) {
                return Optional.of(new AuthContext(stored.userId(), null, List.of()));
            }
            List<String> roles = repository.roles(stored.userId(), stored.projectId()).stream()
                    .map(IdentityRepository.Role::name).toList();
            return roles.isEmpty() ? Optional.empty()
                    : Optional.of(new AuthContext(stored.userId(), stored.projectId(), roles));
        });
    }

    private Optional<IdentityRepository.User> findUser(PasswordAuthRequest.Ref ref) {
        if (ref.id() != null) {
            return repository.userById(ref.id());
        }
        return domainOf(ref).flatMap(domain -> repository.userByName(ref.name(), domain.id()));
    }

    private Optional<IdentityRepository.Project> findProject(PasswordAuthRequest.Ref ref) {
        if (ref.id() != null) {
            return repository.projectById(ref.id());
        }
        return domainOf(ref).flatMap(domain -> repository.projectByName(ref.name(), domain.id()));
    }

    private Optional<IdentityRepository.Domain> domainOf(PasswordAuthRequest.Ref ref) {
        if (ref.domainId() != null) {
            return repository.domainById(ref.domainId());
        }
        if (ref.domainName() != null) {
            return repository.domainByName(ref.domainName());
        }
        return repository.domainById(DEFAULT_DOMAIN);
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** A stable audit id derived from the stored hash, so validation reports the same one. */
    private static String auditId(String hash) {
        byte[] bytes = HexFormat.of().parseHex(hash.substring(0, 32));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
