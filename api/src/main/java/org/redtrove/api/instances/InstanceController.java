package org.redtrove.api.instances;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.jobs.JobQueries;
import org.redtrove.api.jobs.JobView;
import org.redtrove.api.web.Endpoints;
import org.redtrove.api.web.JsonBodyReader;
import org.redtrove.api.sentinel.SentinelDirections;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Trove's instance routes (contract B.2, D.1) and RedTrove's extensions (jobs, password). Every
 * id is taken as a plain string: a name or a malformed id must be a 404, because that is how the
 * clients fall back to resolving names (contract B.0 rule 1).
 */
@RestController
@RequestMapping("/v1.0/{projectId}/instances")
class InstanceController {

    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    record Link(String rel, String href) {
    }

    private final InstanceService service;
    private final InstanceRepository instances;
    private final JobQueries jobQueries;
    private final JsonBodyReader bodies;
    private final Endpoints endpoints;
    private final int maxReplicas;
    private final String region;
    private final ObjectProvider<SentinelDirections> sentinel;

    InstanceController(InstanceService service, InstanceRepository instances, JobQueries jobQueries,
                       JsonBodyReader bodies, Endpoints endpoints,
                       @Value("${redtrove.replication.max-replicas:5}") int maxReplicas,
                       @Value("${redtrove.api.region:RegionOne}") String region,
                       ObjectProvider<SentinelDirections> sentinel) {
        this.sentinel = sentinel;
        this.service = service;
        this.instances = instances;
        this.jobQueries = jobQueries;
        this.bodies = bodies;
        this.endpoints = endpoints;
        this.maxReplicas = maxReplicas;
        this.region = region;
    }

    /** Newest first; include_clustered is ignored (RedTrove has no clusters). */
    @GetMapping
    Map<String, Object> list(AuthContext auth, @RequestParam(required = false) String limit,
                             @RequestParam(required = false) String marker, HttpServletRequest request) {
        return page(auth, limit, marker, request, false);
    }

    @GetMapping("/detail")
    Map<String, Object> detail(AuthContext auth, @RequestParam(required = false) String limit,
                               @RequestParam(required = false) String marker, HttpServletRequest request) {
        return page(auth, limit, marker, request, true);
    }

    @GetMapping("/{id}")
    Map<String, Object> show(AuthContext auth, @PathVariable String id, HttpServletRequest request) {
        InstanceRow row = service.visible(auth, id);
        String progress = row.hasTaskInProgress() ? jobQueries.progressOf(row.id(), row.name()).orElse(null) : null;
        return Map.of("instance", views(auth, request).shown(row, replicasOf(row.id()), progress));
    }

    /** 200 with the detail view (plus the password, the only time it is shown) of the new instance. */
    @PostMapping
    Map<String, Object> create(AuthContext auth, HttpServletRequest request) {
        CreateInstanceRequest body = CreateInstanceRequest.parse(bodies.read(request), maxReplicas);
        InstanceService.Created created = service.create(auth, body);
        InstanceRow row = instances.find(created.id()).orElseThrow();
        return Map.of("instance", views(auth, request).detail(row, replicasOf(row.id()), created.password()));
    }

    /** Detach when the body has replica_of or slave_of, whatever the value (contract D.4). */
    @RequestMapping(path = "/{id}", method = {RequestMethod.PUT, RequestMethod.PATCH})
    ResponseEntity<Void> update(AuthContext auth, @PathVariable String id, HttpServletRequest request) {
        service.visible(auth, id); // 404 before any body error, like every other instance route
        JsonNode instance = bodies.read(request).get("instance");
        if (instance == null) {
            throw BadRequest.validation("'instance' is a required property");
        }
        if (!instance.isObject()) {
            throw BadRequest.validation("instance is not of type 'object'");
        }
        String name = null;
        boolean detach = false;
        // Trove's PUT {"instance": {}} (what `trove configuration-detach` sends) detaches the group
        InstanceService.ConfigurationChange configuration = instance.isEmpty() && request.getMethod().equals("PUT")
                ? InstanceService.ConfigurationChange.DETACH : null;
        for (String key : instance.propertyNames()) {
            switch (key) {
                case "name" -> {
                    JsonNode node = instance.get(key);
                    if (!node.isString() || node.asString().isBlank()) {
                        throw BadRequest.validation("instance['name'] " + node + " is not a non-empty string");
                    }
                    name = node.asString();
                }
                case "replica_of", "slave_of" -> detach = true;
                case "configuration" -> {
                    JsonNode node = instance.get(key);
                    if (node.isNull() || (node.isString() && node.asString().isEmpty())) {
                        configuration = InstanceService.ConfigurationChange.DETACH;
                    } else if (node.isString()) {
                        configuration = InstanceService.ConfigurationChange.attach(node.asString());
                    } else {
                        throw BadRequest.validation("instance['configuration'] " + node + " is not of type 'string'");
                    }
                }
                default -> throw BadRequest.validation(
                        "Additional properties are not allowed ('" + key + "' was unexpected)");
            }
        }
        service.update(auth, id, name, detach, configuration);
        return ResponseEntity.accepted().build();
    }

    /**
     * Actions by body key: promote, eject, resize (a flavor or a volume, for the whole set), restart.
     * reset_status (sent by {@code openstack database instance delete --force}) is accepted and
     * does nothing: delete already accepts instances in an error task, and resetting
     * a task in progress would lie about a job the taskmanager is still running.
     */
    @PostMapping("/{id}/action")
    ResponseEntity<Void> action(AuthContext auth, @PathVariable String id, HttpServletRequest request) {
        service.visible(auth, id);
        JsonNode body = bodies.read(request);
        if (body.has("promote_to_replica_source")) {
            service.promote(auth, id);
        } else if (body.has("eject_replica_source")) {
            service.eject(auth, id);
        } else if (body.has("resize")) {
            service.resize(auth, id, ResizeRequest.parse(body.get("resize")));
        } else if (body.has("restart")) {
            service.restart(auth, id);
        } else if (body.has("reset_status")) {
            // accepted, see above
        } else {
            List<String> keys = new ArrayList<>(body.propertyNames());
            throw new BadRequest("Invalid instance action: " + (keys.isEmpty() ? "(none)" : String.join(", ", keys))
                    + ". Supported: promote_to_replica_source, eject_replica_source, resize, restart, reset_status.");
        }
        return ResponseEntity.accepted().build();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(AuthContext auth, @PathVariable String id) {
        service.delete(auth, id);
        return ResponseEntity.accepted().build();
    }

    /** Extension: the instance's jobs, newest first (owner only). */
    @GetMapping("/{id}/jobs")
    Map<String, List<JobView>> jobs(AuthContext auth, @PathVariable String id) {
        InstanceRow row = service.owned(auth, id);
        return Map.of("jobs", jobQueries.forInstance(row.id()));
    }

    /** Extension: the set's Redis password (owner only; design decision 9). */
    @GetMapping("/{id}/password")
    Map<String, String> password(AuthContext auth, @PathVariable String id) {
        return Map.of("password", service.owned(auth, id).password());
    }

    private Map<String, Object> page(AuthContext auth, String limitParam, String markerParam,
                                     HttpServletRequest request, boolean detail) {
        int limit = DEFAULT_PAGE;
        if (limitParam != null && !limitParam.isBlank()) {
            try {
                limit = Integer.parseInt(limitParam.trim());
            } catch (NumberFormatException e) {
                throw new BadRequest("limit must be a positive integer, not '" + limitParam + "'.");
            }
            if (limit < 1) {
                throw new BadRequest("limit must be a positive integer, not '" + limitParam + "'.");
            }
            limit = Math.min(limit, MAX_PAGE);
        }
        InstanceRow marker = null;
        if (markerParam != null && !markerParam.isBlank()) {
            try {
                marker = service.visible(auth, markerParam);
            } catch (org.redtrove.api.fault.NotFound e) {
                throw new BadRequest("Marker " + markerParam + " could not be found.");
            }
        }
        String scope = auth.isAdmin() ? null : auth.projectId();
        List<InstanceRow> rows = instances.page(scope, marker, limit);
        boolean more = rows.size() > limit;
        if (more) {
            rows = rows.subList(0, limit);
        }
        Map<UUID, List<UUID>> replicas = instances.replicaIds(rows.stream().map(InstanceRow::id).toList());
        InstanceView.Builder views = views(auth, request);
        List<InstanceView> items = rows.stream()
                .map(r -> detail ? views.detail(r, replicas.get(r.id()), null) : views.list(r, replicas.get(r.id())))
                .toList();
        if (!more) {
            return Map.of("instances", items);
        }
        String next = endpoints.trove(request) + "/v1.0/" + auth.projectId() + "/instances" + (detail ? "/detail" : "")
                + "?limit=" + limit + "&marker=" + rows.get(rows.size() - 1).id();
        return Map.of("instances", items, "links", List.of(new Link("next", next)));
    }

    private List<UUID> replicasOf(UUID id) {
        return instances.replicaIds(List.of(id)).get(id);
    }

    private InstanceView.Builder views(AuthContext auth, HttpServletRequest request) {
        SentinelDirections directions = sentinel.getIfAvailable();
        return new InstanceView.Builder(endpoints.trove(request), region, auth,
                directions == null ? null : directions.forClientOf(Endpoints.hostName(request)));
    }
}
