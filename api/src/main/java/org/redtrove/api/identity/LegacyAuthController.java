package org.redtrove.api.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.KeystoneError;
import org.redtrove.api.fault.UnsupportedMediaType;
import org.redtrove.api.web.Endpoints;
import org.redtrove.api.web.JsonBodyReader;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The two pre-Keystone-v3 logins of troveclient's built-in HTTPClient, used by
 * {@code trove --bypass-url} (contract C.4). Both issue the same tokens as {@code /identity/v3}:
 *
 * <ul>
 *   <li>v1 style: {@code GET <auth url>} with X-Auth-User / X-Auth-Key / X-Auth-Project-Id (a project
 *       name) answers 204 with X-Auth-Token and X-Server-Management-Url. {@code GET /v1.0} is also
 *       Trove's version list; the X-Auth-User header tells the two apart.</li>
 *   <li>v2.0 style: {@code POST <auth url>/tokens} with passwordCredentials and tenantName or tenantId.</li>
 * </ul>
 * A project is required in both: without one there is no management URL to hand out. When the user
 * gives none, the user's default project is used.
 */
@RestController
class LegacyAuthController {

    private static final DateTimeFormatter V2_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final TokenService tokens;
    private final IdentityRepository repository;
    private final JsonBodyReader bodies;
    private final Endpoints endpoints;
    private final String region;

    LegacyAuthController(TokenService tokens, IdentityRepository repository, JsonBodyReader bodies,
                         Endpoints endpoints, @Value("${redtrove.api.region:RegionOne}") String region) {
        this.tokens = tokens;
        this.repository = repository;
        this.bodies = bodies;
        this.endpoints = endpoints;
        this.region = region;
    }

    @GetMapping({"/identity/v1.0", "/identity/v1.0/"})
    ResponseEntity<Void> v1(@RequestHeader(value = "X-Auth-User", required = false) String user,
                            @RequestHeader(value = "X-Auth-Key", required = false) String key,
                            @RequestHeader(value = "X-Auth-Project-Id", required = false) String project,
                            HttpServletRequest request) {
        if (user == null || key == null) {
            throw KeystoneError.unauthorized();
        }
        TokenService.Issued issued = issue(user, key, project, null);
        return ResponseEntity.noContent()
                .header("X-Auth-Token", issued.token())
                .header("X-Server-Management-Url", managementUrl(request, issued))
                .build();
    }

    /** The same login at Trove's root, only when it carries X-Auth-User (otherwise: Trove's versions). */
    @GetMapping(path = {"/v1.0", "/v1.0/"}, headers = "X-Auth-User")
    ResponseEntity<Void> v1AtTroveRoot(@RequestHeader("X-Auth-User") String user,
                                       @RequestHeader(value = "X-Auth-Key", required = false) String key,
                                       @RequestHeader(value = "X-Auth-Project-Id", required = false) String project,
                                       HttpServletRequest request) {
        return v1(user, key, project, request);
    }

    record V2Access(Map<String, Object> access) {
    }

    record V2Tenant(String id, String name, boolean enabled, String description) {
    }

    record V2Token(String id, String expires, @JsonProperty("issued_at") String issuedAt, V2Tenant tenant,
                   @JsonProperty("audit_ids") List<String> auditIds) {
    }

    record V2Role(String name) {
    }

    record V2User(String id, String name, String username, List<V2Role> roles,
                  @JsonProperty("roles_links") List<String> rolesLinks) {
    }

    record V2Endpoint(String region, String publicURL, String internalURL, String adminURL) {
    }

    record V2Service(String type, String name, List<V2Endpoint> endpoints,
                     @JsonProperty("endpoints_links") List<String> endpointsLinks) {
    }

    @PostMapping({"/identity/v2.0/tokens", "/v2.0/tokens", "/identity/v1.0/v2.0/tokens"})
    V2Access v2(HttpServletRequest request) {
        JsonNode body;
        try {
            body = bodies.read(request);
        } catch (BadRequest | UnsupportedMediaType e) {
            throw KeystoneError.badRequest(e.getMessage());
        }
        JsonNode auth = body.path("auth");
        JsonNode credentials = auth.path("passwordCredentials");
        String user = text(credentials.get("username"));
        String password = text(credentials.get("password"));
        if (user == null || password == null) {
            throw KeystoneError.badRequest("Expecting to find passwordCredentials with username and password.");
        }
        TokenService.Issued issued = issue(user, password, text(auth.get("tenantName")), text(auth.get("tenantId")));
        IdentityRepository.Project project = issued.project();
        String trove = managementUrl(request, issued);
        String keystone = endpoints.identity(request) + "/identity/v2.0";
        return new V2Access(Map.of(
                "token", new V2Token(issued.token(), V2_TIME.format(issued.expiresAt()),
                        V2_TIME.format(issued.issuedAt()),
                        new V2Tenant(project.id(), project.name(), project.enabled(), project.description()),
                        List.of(issued.auditId())),
                "user", new V2User(issued.user().id(), issued.user().name(), issued.user().name(),
                        issued.roles().stream().map(r -> new V2Role(r.name())).toList(), List.of()),
                "serviceCatalog", List.of(
                        new V2Service("database", "trove", List.of(new V2Endpoint(region, trove, trove, trove)),
                                List.of()),
                        new V2Service("identity", "keystone",
                                List.of(new V2Endpoint(region, keystone, keystone, keystone)), List.of())),
                "metadata", Map.of("is_admin", 0,
                        "roles", issued.roles().stream().map(IdentityRepository.Role::id).toList())));
    }

    /**
     * A project-scoped token for a user of the default domain. The project is a name (what the CLI
     * sends as X-Auth-Project-Id and tenantName), falling back to an id for callers that send one.
     */
    private TokenService.Issued issue(String user, String password, String projectName, String projectId) {
        PasswordAuthRequest.Ref project = null;
        if (projectName != null && !projectName.isBlank()) {
            boolean isName = repository.projectByName(projectName, "default").isPresent();
            project = isName ? new PasswordAuthRequest.Ref(null, projectName, null, null)
                    : new PasswordAuthRequest.Ref(projectName, null, null, null);
        } else if (projectId != null && !projectId.isBlank()) {
            project = new PasswordAuthRequest.Ref(projectId, null, null, null);
        }
        TokenService.Issued issued = tokens.issue(new PasswordAuthRequest(
                new PasswordAuthRequest.Ref(null, user, null, null), password, project, null));
        if (issued.project() == null) {
            throw KeystoneError.unauthorized();
        }
        return issued;
    }

    private String managementUrl(HttpServletRequest request, TokenService.Issued issued) {
        return endpoints.trove(request) + "/v1.0/" + issued.project().id();
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }
}
