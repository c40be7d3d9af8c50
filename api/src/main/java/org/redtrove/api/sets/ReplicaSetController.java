package org.redtrove.api.sets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        return Map.of("replica_set", view(visible(auth, nameOrId), auth));
    }

    /**
     * The native replication of a set, member by member, from each member's latest report: the
     * master's offset and the syncs it served; each replica's link, how far behind it is in bytes,
     * when it last heard from its master, whether a sync runs (and how much of the master's data it
     * has received so far), and what is wrong with it.
     */
    @GetMapping("/{nameOrId}/replication")
    Map<String, Object> replication(AuthContext auth, @PathVariable String nameOrId) {
        var set = visible(auth, nameOrId);
        List<Map<String, Object>> members = new ArrayList<>();
        long[] masterOffset = {-1};
        jdbc.sql("""
                        select i.id, i.name, i.health, i.health_detail, hb.report::text as report,
                               extract(epoch from now() - hb.received_at) as report_age
                          from instances i left join heartbeats hb on hb.instance_id = i.id
                         where i.replica_set_id = ? and not i.deleted order by i.created_at, i.id""")
                .param(set.id())
                .query((ResultSet rs) -> {
                    UUID member = rs.getObject("id", UUID.class);
                    boolean master = member.equals(set.masterId());
                    JsonNode info = rs.getString("report") == null ? null
                            : mapper.readTree(rs.getString("report")).path("replication");
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", member.toString());
                    m.put("name", rs.getString("name"));
                    m.put("role", master ? "master" : "replica");
                    m.put("health", rs.getString("health"));
                    m.put("last_error", rs.getString("health_detail"));
                    m.put("report_age_seconds", rs.getObject("report_age") == null ? null
                            : Math.round(rs.getDouble("report_age") * 10) / 10.0);
                    if (info != null && !info.isMissingNode() && !info.isNull()) {
                        long offset = info.path("processedOffset").asLong(-1);
                        m.put("offset", offset);
                        if (master) {
                            masterOffset[0] = offset;
                        } else {
                            m.put("link", info.path("masterLinkUp").asBoolean(false) ? "up" : "down");
                            m.put("sync_in_progress", info.path("syncInProgress").asBoolean(false));
                            JsonNode transfer = info.path("transfer");
                            if (transfer.isObject()) {
                                m.put("sync_received_bytes", transfer.path("receivedBytes").asLong());
                                long total = transfer.path("totalBytes").asLong(-1);
                                m.put("sync_total_bytes", total < 0 ? null : total);
                            }
                            m.put("sync_completed", info.path("syncCompleted").asBoolean(false));
                            long io = info.path("millisSinceMasterIo").asLong(-1);
                            m.put("last_io_seconds_ago", io < 0 ? null : Math.round(io / 100.0) / 10.0);
                        }
                        JsonNode syncs = info.path("syncs");
                        if (syncs.isObject()) {
                            m.put("syncs_served", Map.of("full", syncs.path("full").asLong(),
                                    "partial_ok", syncs.path("partialOk").asLong(),
                                    "partial_err", syncs.path("partialErr").asLong()));
                        }
                    }
                    members.add(m);
                });
        for (Map<String, Object> m : members) {
            if ("replica".equals(m.get("role")) && m.get("offset") instanceof Long offset && masterOffset[0] >= 0) {
                m.put("bytes_behind", Math.max(0, masterOffset[0] - offset));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", set.name());
        body.put("epoch", set.epoch());
        body.put("members", members);
        return Map.of("replication", body);
    }

    private ReplicaSetRepository.SetRow visible(AuthContext auth, String nameOrId) {
        UUID id = CatalogRepository.parseUuid(nameOrId);
        var found = id != null ? sets.find(id) : sets.findByName(auth.projectId(), nameOrId);
        return found.filter(s -> auth.isAdmin() || s.projectId().equals(auth.projectId()))
                .orElseThrow(() -> NotFound.resource(nameOrId));
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
