package org.redtrove.api.identity;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.KeystoneError;
import org.redtrove.api.fault.UnsupportedMediaType;
import org.redtrove.api.web.BaseUrl;
import org.redtrove.api.web.JsonBodyReader;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The Keystone v3 subset keystoneauth uses (contract C): version discovery, password tokens, and
 * token validation so that another RedTrove can use this one as its external identity service.
 *
 * <p>{@code GET /} answers Keystone's version list, not Trove's: keystoneauth reads it when
 * OS_AUTH_URL is the bare root (a 404 there is fatal), while Trove's clients never read Trove's
 * root. Trove's version list lives at {@code GET /v1.0} instead (see TroveVersionsController).
 * {@code /v3} is an alias of {@code /identity/v3} for OS_AUTH_URL=http://host:port/v3; its self link
 * still points at /identity/v3/.
 */
@RestController
public class IdentityController {

    private final TokenService tokens;
    private final JsonBodyReader bodies;
    private final String region;

    public IdentityController(TokenService tokens, JsonBodyReader bodies,
                              @Value("${redtrove.api.region:RegionOne}") String region) {
        this.tokens = tokens;
        this.bodies = bodies;
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

    @GetMapping({"/", "/identity", "/identity/"})
    ResponseEntity<Object> versions(HttpServletRequest request) {
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

    @GetMapping({"/identity/v3/auth/tokens", "/v3/auth/tokens"})
    ResponseEntity<TokenDocument> validate(@RequestHeader(value = "X-Auth-Token", required = false) String authToken,
                                           @RequestHeader(value = "X-Subject-Token", required = false) String subject,
                                           HttpServletRequest request) {
        if (tokens.validate(authToken).isEmpty()) {
            throw KeystoneError.unauthorized();
        }
        TokenService.Issued issued = tokens.validate(subject)
                .orElseThrow(() -> KeystoneError.notFound("Could not find token."));
        return ResponseEntity.ok().header("X-Subject-Token", subject).contentType(MediaType.APPLICATION_JSON)
                .body(document(issued, request));
    }

    private TokenDocument document(TokenService.Issued issued, HttpServletRequest request) {
        return TokenDocument.of(issued.user(), issued.project(), issued.roles(), issued.issuedAt(),
                issued.expiresAt(), issued.auditId(), BaseUrl.of(request), region);
    }

    private static Version v3(HttpServletRequest request) {
        return new Version("v3.14", "stable", "2020-04-07T00:00:00Z",
                List.of(new MediaTypeRef("application/json", "application/vnd.openstack.identity-v3+json")),
                List.of(new Link("self", BaseUrl.of(request) + "/identity/v3/")));
    }
}
