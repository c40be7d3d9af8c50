package org.redtrove.api.identity;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.KeystoneError;
import org.redtrove.api.fault.UnsupportedMediaType;
import org.redtrove.api.web.Endpoints;
import org.redtrove.api.web.JsonBodyReader;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The Keystone v3 subset keystoneauth uses (contract C): version discovery, password tokens, and
 * token validation so that another RedTrove can use this one as its external identity service.
 *
 * <p>The identity port's {@code GET /} answers Keystone's version list (keystoneauth reads it when
 * OS_AUTH_URL is the bare root; a 404 there is fatal), the Trove port's answers Trove's (see
 * RootController). {@code /v3} is an alias of {@code /identity/v3} for
 * OS_AUTH_URL=http://host:port/v3; its self link still points at /identity/v3/.
 */
@RestController
public class IdentityController {

    /** Roles that may validate anyone's token: Keystone's admin and service roles. */
    private static final Set<String> VALIDATING_ROLES = Set.of("admin", "service");

    private final TokenService tokens;
    private final JsonBodyReader bodies;
    private final Endpoints endpoints;
    private final String region;

    public IdentityController(TokenService tokens, JsonBodyReader bodies, Endpoints endpoints,
                              @Value("${redtrove.api.region:RegionOne}") String region) {
        this.tokens = tokens;
        this.bodies = bodies;
        this.endpoints = endpoints;
        this.region = region;
    }

    record MediaTypeRef(String base, String type) {
    }

    record Link(String rel, String href) {
    }

    record Version(String id, String status, String updated,
                   @com.fasterxml.jackson.annotation.JsonProperty("media-types") List<MediaTypeRef> mediaTypes,
                   List<Link> links) {
    }

    /** Keystone's version list; also the identity port's root (see RootController). */
    @GetMapping({"/identity", "/identity/"})
    public ResponseEntity<Object> versions(HttpServletRequest request) {
        return ResponseEntity.status(HttpStatus.MULTIPLE_CHOICES).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("versions", Map.of("values", List.of(v3(request)))));
    }

    @GetMapping({"/identity/v3", "/identity/v3/", "/v3", "/v3/"})
    Map<String, Object> version(HttpServletRequest request) {
        return Map.of("version", v3(request));
    }

    @PostMapping({"/identity/v3/auth/tokens", "/v3/auth/tokens"})
    ResponseEntity<TokenDocument> issue(HttpServletRequest request) {
        JsonNode body;
        try {
            body = bodies.read(request);
        } catch (BadRequest | UnsupportedMediaType e) {
            throw KeystoneError.badRequest(e.getMessage());
        }
        TokenService.Issued issued = tokens.issue(PasswordAuthRequest.parse(body));
        return ResponseEntity.status(HttpStatus.CREATED).header("X-Subject-Token", issued.token())
                .contentType(MediaType.APPLICATION_JSON).body(document(issued, request));
    }

    /**
     * Token validation, as keystonemiddleware (or another RedTrove) asks it. Keystone's policy
     * (identity:validate_token) lets an admin, a service user or the token's own user validate a
     * token; anyone else gets 403, whether or not the token exists, so nobody can probe for tokens.
     */
    @GetMapping({"/identity/v3/auth/tokens", "/v3/auth/tokens"})
    ResponseEntity<TokenDocument> validate(@RequestHeader(value = "X-Auth-Token", required = false) String authToken,
                                           @RequestHeader(value = "X-Subject-Token", required = false) String subject,
                                           HttpServletRequest request) {
        Optional<TokenService.Issued> issued = subjectFor(authToken, subject, "identity:validate_token");
        return ResponseEntity.ok().header("X-Subject-Token", subject).contentType(MediaType.APPLICATION_JSON)
                .body(document(issued.orElseThrow(() -> KeystoneError.notFound("Could not find token.")), request));
    }

    /**
     * Revocation (Keystone's identity:revoke_token): a user ends its own token, as a logout does;
     * an admin or a service user any token. Anyone else gets 403, as for validation.
     */
    @DeleteMapping({"/identity/v3/auth/tokens", "/v3/auth/tokens"})
    ResponseEntity<Void> revoke(@RequestHeader(value = "X-Auth-Token", required = false) String authToken,
                                @RequestHeader(value = "X-Subject-Token", required = false) String subject) {
        Optional<TokenService.Issued> issued = subjectFor(authToken, subject, "identity:revoke_token");
        tokens.revoke(issued.orElseThrow(() -> KeystoneError.notFound("Could not find token.")));
        return ResponseEntity.noContent().build();
    }

    /**
     * The subject token, when the caller may act on it: an admin or service user on any token, any
     * user on its own; anyone else gets 403 whether or not the token exists (no probing for tokens).
     */
    private Optional<TokenService.Issued> subjectFor(String authToken, String subject, String action) {
        TokenService.Issued caller = tokens.validate(authToken).orElseThrow(KeystoneError::unauthorized);
        Optional<TokenService.Issued> issued = tokens.validate(subject);
        boolean privileged = caller.roles().stream().anyMatch(r -> VALIDATING_ROLES.contains(r.name()));
        boolean own = issued.map(i -> i.user().id().equals(caller.user().id())).orElse(false);
        if (!privileged && !own) {
            throw KeystoneError.forbidden("You are not authorized to perform the requested action: " + action + ".");
        }
        return issued;
    }

    private TokenDocument document(TokenService.Issued issued, HttpServletRequest request) {
        return TokenDocument.of(issued.user(), issued.project(), issued.roles(), issued.issuedAt(),
                issued.expiresAt(), issued.auditId(), endpoints.trove(request), endpoints.identity(request), region);
    }

    private Version v3(HttpServletRequest request) {
        return new Version("v3.14", "stable", "2020-04-07T00:00:00Z",
                List.of(new MediaTypeRef("application/json", "application/vnd.openstack.identity-v3+json")),
                List.of(new Link("self", endpoints.identityAsReached(request) + "/identity/v3/")));
    }
}
