package org.redtrove.api.identity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates Trove callers' tokens against an external Keystone v3, the way keystonemiddleware does:
 * {@code GET <keystone>/auth/tokens} with our own service token in X-Auth-Token and the caller's in
 * X-Subject-Token. The caller's project and role names come from Keystone's answer.
 *
 * <p>Two caches keep Keystone off the hot path. The service token is kept until a minute before it
 * expires, and fetched again when Keystone answers 401 to it (revoked, or Keystone restarted).
 * Validated tokens are kept for {@code keystone-cache-ttl} (never past their own expiry), keyed by
 * the token's SHA-256 so the cache holds nothing replayable; a revoked token therefore keeps
 * working for at most that long. Rejections are not cached, so a fresh token works at once.
 */
final class ExternalKeystone implements CallerAuthenticator {

    /** Where Keystone is and how we log in to it. */
    record Options(URI url, String user, String password, String project, String domain, Duration cacheTtl,
                   Duration timeout) {
    }

    private record ServiceToken(String token, Instant refreshAfter) {
    }

    private record Cached(AuthContext caller, Instant until) {
    }

    private static final Duration SERVICE_TOKEN_MARGIN = Duration.ofSeconds(60);
    private static final int CACHE_SWEEP_SIZE = 10_000;

    private final Options options;
    private final JsonMapper mapper;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private ServiceToken serviceToken;

    ExternalKeystone(Options options, JsonMapper mapper) {
        this(options, mapper, Clock.systemUTC());
    }

    ExternalKeystone(Options options, JsonMapper mapper, Clock clock) {
        this.options = options;
        this.mapper = mapper;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(options.timeout()).build();
    }

    @Override
    public Optional<AuthContext> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String key = TokenService.hash(token);
        Instant now = clock.instant();
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return Optional.of(cached.caller());
        }
        HttpResponse<String> answer = validate(token, serviceToken(false));
        if (answer.statusCode() == 401) {
            // our service token was revoked or expired early: log in again, once
            answer = validate(token, serviceToken(true));
        }
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        if (answer.statusCode() != 200) {
            throw new IdentityUnavailable("Keystone answered " + answer.statusCode() + " to token validation.");
        }
        JsonNode body = json(answer.body()).path("token");
        AuthContext caller = new AuthContext(text(body.path("user").get("id")),
                text(body.path("project").get("id")), roleNames(body.path("roles")));
        Instant until = now.plus(options.cacheTtl());
        Instant expires = expiresAt(body);
        if (expires != null && expires.isBefore(until)) {
            until = expires;
        }
        remember(key, new Cached(caller, until), now);
        return Optional.of(caller);
    }

    private HttpResponse<String> validate(String subject, String service) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.url() + "/auth/tokens"))
                .timeout(options.timeout())
                .header("Accept", "application/json")
                .header("X-Auth-Token", service)
                .header("X-Subject-Token", subject)
                .GET().build();
        return send(request);
    }

    /** The cached service token, or a new one when asked to refresh or when it is about to expire. */
    private synchronized String serviceToken(boolean refresh) {
        Instant now = clock.instant();
        if (!refresh && serviceToken != null && now.isBefore(serviceToken.refreshAfter())) {
            return serviceToken.token();
        }
        String body = """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%s,"password":%s,\
                "domain":{"id":%s}}}},"scope":{"project":{"name":%s,"domain":{"id":%s}}}}}"""
                .formatted(quote(options.user()), quote(options.password()), quote(options.domain()),
                        quote(options.project()), quote(options.domain()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.url() + "/auth/tokens"))
                .timeout(options.timeout())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> answer = send(request);
        String token = answer.headers().firstValue("X-Subject-Token").orElse(null);
        if (answer.statusCode() != 201 && answer.statusCode() != 200 || token == null) {
            serviceToken = null;
            throw new IdentityUnavailable("RedTrove's service user '" + options.user()
                    + "' could not log in to Keystone (HTTP " + answer.statusCode() + ").");
        }
        Instant expires = expiresAt(json(answer.body()).path("token"));
        Instant refreshAfter = expires == null ? now.plus(SERVICE_TOKEN_MARGIN)
                : expires.minus(SERVICE_TOKEN_MARGIN);
        serviceToken = new ServiceToken(token, refreshAfter);
        return token;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IdentityUnavailable("Keystone at " + options.url() + " cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityUnavailable("Interrupted while waiting for Keystone.", e);
        }
    }

    private void remember(String key, Cached entry, Instant now) {
        if (cache.size() >= CACHE_SWEEP_SIZE) {
            cache.values().removeIf(c -> !now.isBefore(c.until()));
        }
        cache.put(key, entry);
    }

    private JsonNode json(String body) {
        try {
            return mapper.readTree(body);
        } catch (JacksonException e) {
            throw new IdentityUnavailable("Keystone's answer is not JSON.", e);
        }
    }

    private static List<String> roleNames(JsonNode roles) {
        List<String> names = new ArrayList<>();
        for (JsonNode role : roles) {
            String name = text(role.get("name"));
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    private static Instant expiresAt(JsonNode token) {
        String text = text(token.get("expires_at"));
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }

    private String quote(String value) {
        return mapper.writeValueAsString(value);
    }
}
