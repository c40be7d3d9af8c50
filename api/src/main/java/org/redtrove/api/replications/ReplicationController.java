package org.redtrove.api.replications;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.web.JsonBodyReader;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Extension routes: a project's replication tasks, in ReductStore's shape ({@code /api/v1/replications}).
 * Tasks are the path's project's only, whoever calls (an admin included): names are unique per
 * project. Writes answer the task as {@code GET /replications/{name}} shows it, except DELETE (204).
 * On PUT and PATCH an unknown name is a 404 before any body error, as on the instance routes.
 */
@RestController
@RequestMapping("/v1.0/{projectId}/replications")
class ReplicationController {

    private final ReplicationTaskService service;
    private final JsonBodyReader bodies;

    ReplicationController(ReplicationTaskService service, JsonBodyReader bodies) {
        this.service = service;
        this.bodies = bodies;
    }

    @GetMapping
    Map<String, List<ReplicationTaskView.Item>> list(AuthContext auth) {
        return Map.of("replications", service.list(auth.projectId()).stream().map(ReplicationTaskView.Item::of)
                .toList());
    }

    @GetMapping("/{name}")
    ReplicationTaskView show(AuthContext auth, @PathVariable String name) {
        return ReplicationTaskView.of(service.find(auth.projectId(), name));
    }

    @PostMapping("/{name}")
    ReplicationTaskView create(AuthContext auth, @PathVariable String name, HttpServletRequest request) {
        ReplicationSettings settings = ReplicationSettings.parse(bodies.read(request));
        return ReplicationTaskView.of(service.create(auth.projectId(), name, settings, false));
    }

    @PutMapping("/{name}")
    ReplicationTaskView replace(AuthContext auth, @PathVariable String name, HttpServletRequest request) {
        service.find(auth.projectId(), name);
        ReplicationSettings settings = ReplicationSettings.parse(bodies.read(request));
        return ReplicationTaskView.of(service.replace(auth.projectId(), name, settings));
    }

    /** Body {@code {"mode": "paused"}}: the mode only. */
    @PatchMapping("/{name}/mode")
    ReplicationTaskView mode(AuthContext auth, @PathVariable String name, HttpServletRequest request) {
        service.find(auth.projectId(), name);
        JsonNode body = bodies.read(request);
        for (String key : body.propertyNames()) {
            if (!key.equals("mode")) {
                throw BadRequest.validation("Additional properties are not allowed ('"
                        + ReplicationRefusals.clip(key) + "' was unexpected)");
            }
        }
        JsonNode mode = body.get("mode");
        if (mode == null || mode.isNull()) {
            throw BadRequest.validation("'mode' is a required property");
        }
        return ReplicationTaskView.of(service.setMode(auth.projectId(), name, ReplicationSettings.mode(mode)));
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(AuthContext auth, @PathVariable String name) {
        service.delete(auth.projectId(), name);
        return ResponseEntity.noContent().build();
    }
}
