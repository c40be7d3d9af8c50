package org.redtrove.api.hosts;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.web.JsonBodyReader;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Admin routes for the guest hosts, where Trove kept its own (trove/extensions/mgmt/host): list,
 * show with the instances on a host, and the actions {@code {"drain": {}}} and {@code {"resume": {}}}.
 * Admins only (TrovePolicy).
 */
@RestController
@RequestMapping("/v1.0/{projectId}/mgmt/hosts")
class HostController {

    private final HostService hosts;
    private final JsonBodyReader bodies;
    private final JdbcClient jdbc;

    HostController(HostService hosts, JsonBodyReader bodies, JdbcClient jdbc) {
        this.hosts = hosts;
        this.bodies = bodies;
        this.jdbc = jdbc;
    }

    @GetMapping
    Map<String, List<Map<String, Object>>> list() {
        return Map.of("hosts", hosts.list().stream().map(HostController::view).toList());
    }

    @GetMapping("/{hostId}")
    Map<String, Map<String, Object>> show(@PathVariable String hostId) {
        HostService.HostRow host = hosts.find(hostId);
        Map<String, Object> view = view(host);
        view.put("instances", jdbc.sql("""
                select i.id, i.name, i.project_id, i.replica_of, i.server_status, i.task_status
                  from instances i where i.host_id = ? and not i.deleted order by i.created_at, i.id""")
                .param(host.id()).query((rs, n) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getObject("id", UUID.class));
                    m.put("name", rs.getString("name"));
                    m.put("tenant_id", rs.getString("project_id"));
                    m.put("replica_of", rs.getObject("replica_of", UUID.class));
                    m.put("server_status", rs.getString("server_status"));
                    m.put("task_status", rs.getString("task_status"));
                    return m;
                }).list());
        return Map.of("host", view);
    }

    @PostMapping("/{hostId}/action")
    ResponseEntity<Map<String, Object>> action(@PathVariable String hostId, HttpServletRequest request) {
        JsonNode body = bodies.read(request);
        if (body.size() != 1 || !(body.has("drain") || body.has("resume"))) {
            throw BadRequest.validation("the body must name exactly one action: {\"drain\": {}} or {\"resume\": {}}");
        }
        if (body.has("resume")) {
            return ResponseEntity.ok(Map.of("host", view(hosts.resume(hostId))));
        }
        List<HostService.Handover> handovers = hosts.drain(hostId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("host", view(hosts.find(hostId)));
        answer.put("handovers", handovers.stream().map(h -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instance", h.instance());
            m.put("name", h.name());
            m.put("replica", h.replica());
            m.put("skipped", h.skipped());
            return m;
        }).toList());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
    }

    private static Map<String, Object> view(HostService.HostRow h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id());
        m.put("name", h.name());
        m.put("address", h.address());
        m.put("redis_version", h.redisVersion());
        m.put("last_heartbeat", h.lastHeartbeat());
        m.put("heartbeat_age_seconds", Math.round(h.heartbeatAgeSeconds() * 10) / 10.0);
        m.put("draining", h.drainingSince() != null);
        m.put("draining_since", h.drainingSince());
        m.put("instanceCount", h.instances());
        m.put("masters", h.masters());
        m.put("replicas", h.replicas());
        m.put("standalone", h.standalone());
        return m;
    }
}
