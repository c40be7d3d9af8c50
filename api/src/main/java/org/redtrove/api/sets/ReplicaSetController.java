package org.redtrove.api.sets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.web.Times;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Extension routes: a project's replica sets, each with its master, epoch, members and the
 * taskmanager's latest failure analysis (what it found and why), by name or id. Read-only: sets
 * change through Trove's instance routes and the taskmanager.
 */
@RestController
@RequestMapping("/v1.0/{projectId}/replica-sets")
class ReplicaSetController {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MemberView(String id, String name, String role, String health, String detail) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SetView(String id, String name, long epoch, MemberView master, List<MemberView> members, String situation,
                   String summary, String analyzed, @JsonProperty("failover_blocked_until") String failoverBlockedUntil,
                   @JsonProperty("tenant_id") String tenantId) {
    }

    private final ReplicaSetRepository sets;
    private final JdbcClient jdbc;
    private final JsonMapper mapper;

    ReplicaSetController(ReplicaSetRepository sets, JdbcClient jdbc, JsonMapper mapper) {
        this.sets = sets;
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    @GetMapping
    Map<String, Object> list(AuthContext auth) {
        return Map.of("replica_sets", sets.list(auth.isAdmin() ? null : auth.projectId()).stream()
                .map(s -> view(s, auth)).toList());
    }

    @GetMapping("/{nameOrId}")
    Map<String, Object> show(AuthContext auth, @PathVariable String nameOrId) {
        UUID id = CatalogRepository.parseUuid(nameOrId);
        var found = id != null ? sets.find(id) : sets.findByName(auth.projectId(), nameOrId);
        var set = found.filter(s -> auth.isAdmin() || s.projectId().equals(auth.projectId()))
                .orElseThrow(() -> NotFound.resource(nameOrId));
        return Map.of("replica_set", view(set, auth));
    }

    private SetView view(ReplicaSetRepository.SetRow set, AuthContext auth) {
        List<MemberView> members = jdbc.sql("""
                        select id, name, health, health_detail from instances
                         where replica_set_id = ? and not deleted order by created_at, id""")
                .param(set.id())
                .query((rs, n) -> {
                    UUID member = rs.getObject("id", UUID.class);
                    return new MemberView(member.toString(), rs.getString("name"),
                            member.equals(set.masterId()) ? "master" : "replica", rs.getString("health"),
                            rs.getString("health_detail"));
                }).list();
        MemberView master = members.stream().filter(m -> "master".equals(m.role())).findFirst().orElse(null);
        String summary = null;
        if (set.analysis() != null) {
            JsonNode analysis = mapper.readTree(set.analysis());
            summary = analysis.path("summary").asString(null);
        }
        return new SetView(set.id().toString(), set.name(), set.epoch(), master, members, set.situation(), summary,
                Times.format(set.analyzedAt()), Times.format(set.failoverBlockedUntil()),
                auth.isAdmin() ? set.projectId() : null);
    }
}
