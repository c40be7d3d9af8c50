package org.redtrove.api.identity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The Keystone v3 token body. keystoneauth needs expires_at and a catalog with a public
 * "database" endpoint at {@code /v1.0/<project_id>} (contract C.3); the rest is what Keystone
 * sends, for other tooling. The database endpoint is on the Trove port, the identity endpoint on
 * the identity port (see Endpoints).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TokenDocument(Token token) {

    static final DateTimeFormatter KEYSTONE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Token(List<String> methods, @JsonProperty("expires_at") String expiresAt,
                 @JsonProperty("issued_at") String issuedAt, Named user, Named project, List<Role> roles,
                 @JsonProperty("audit_ids") List<String> auditIds, List<Service> catalog) {
    }

    record Named(String id, String name, DomainRef domain) {
    }

    record DomainRef(String id, String name) {
    }

    record Role(String id, String name) {
    }

    record Service(String type, String name, String id, List<Endpoint> endpoints) {
    }

    record Endpoint(String id, @JsonProperty("interface") String iface, String region,
                    @JsonProperty("region_id") String regionId, String url) {
    }

    static TokenDocument of(IdentityRepository.User user, IdentityRepository.Project project,
                            List<IdentityRepository.Role> roles, Instant issuedAt, Instant expiresAt, String auditId,
                            String troveUrl, String identityUrl, String region) {
        List<Service> catalog = new ArrayList<>();
        if (project != null) {
            catalog.add(new Service("database", "trove", "trove",
                    List.of(new Endpoint("trove-public", "public", region, region,
                            troveUrl + "/v1.0/" + project.id()))));
        }
        catalog.add(new Service("identity", "keystone", "keystone",
                List.of(new Endpoint("keystone-public", "public", region, region, identityUrl + "/identity/v3"))));
        return new TokenDocument(new Token(
                List.of("password"),
                KEYSTONE_TIME.format(expiresAt),
                KEYSTONE_TIME.format(issuedAt),
                new Named(user.id(), user.name(), new DomainRef(user.domain().id(), user.domain().name())),
                project == null ? null
                        : new Named(project.id(), project.name(),
                                new DomainRef(project.domain().id(), project.domain().name())),
                roles.stream().map(r -> new Role(r.id(), r.name())).toList(),
                List.of(auditId),
                catalog));
    }
}
