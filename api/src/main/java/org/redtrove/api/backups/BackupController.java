package org.redtrove.api.backups;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.web.Endpoints;
import org.redtrove.api.web.JsonBodyReader;
import org.redtrove.api.web.Times;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Trove's backup routes and view (trove/backup/views.py), and an instance's backups. Sizes are
 * Trove's GB (a float); RedTrove adds the exact {@code size_bytes} and the {@code checksum}
 * (SHA-256) a restore checks.
 */
@RestController
@RequestMapping("/v1.0/{projectId}")
class BackupController {

    private static final double GB = 1024.0 * 1024 * 1024;

    private final BackupService service;
    private final JsonBodyReader bodies;
    private final Endpoints endpoints;

    BackupController(BackupService service, JsonBodyReader bodies, Endpoints endpoints) {
        this.service = service;
        this.bodies = bodies;
        this.endpoints = endpoints;
    }

    @GetMapping("/backups")
    Map<String, Object> list(AuthContext auth, @RequestParam(name = "instance_id", required = false) String instanceId,
                             @RequestParam(required = false) String datastore,
                             @RequestParam(name = "all_projects", required = false) String allProjects,
                             @RequestParam(name = "project_id", required = false) String projectId,
                             HttpServletRequest request) {
        boolean all = allProjects != null && !allProjects.equalsIgnoreCase("false") && !allProjects.equals("0");
        return Map.of("backups", service.list(auth, instanceId, datastore, all, projectId).stream()
                .map(b -> view(b, request)).toList());
    }

    @GetMapping("/instances/{id}/backups")
    Map<String, Object> ofInstance(AuthContext auth, @PathVariable String id, HttpServletRequest request) {
        String instance = service.visibleInstance(auth, id).toString(); // 404 as every instance route
        return Map.of("backups", service.list(auth, instance, null, false, null).stream().map(b -> view(b, request))
                .toList());
    }

    @GetMapping("/backups/{id}")
    Map<String, Object> show(AuthContext auth, @PathVariable String id, HttpServletRequest request) {
        return Map.of("backup", view(service.visible(auth, id), request));
    }

    /** 202 with the new backup (status NEW), as Trove answers. */
    @PostMapping("/backups")
    ResponseEntity<Map<String, Object>> create(AuthContext auth, HttpServletRequest request) {
        BackupRepository.Backup backup = service.create(auth, bodies.read(request));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("backup", view(backup, request)));
    }

    @DeleteMapping("/backups/{id}")
    ResponseEntity<Void> delete(AuthContext auth, @PathVariable String id) {
        service.delete(auth, id);
        return ResponseEntity.accepted().build();
    }

    private Map<String, Object> view(BackupRepository.Backup b, HttpServletRequest request) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", b.id().toString());
        view.put("name", b.name());
        view.put("description", b.description());
        view.put("locationRef", b.location());
        view.put("instance_id", b.instanceId().toString());
        view.put("created", Times.format(b.created()));
        view.put("updated", Times.format(b.updated()));
        view.put("size", b.sizeBytes() == null ? null : b.sizeBytes() / GB);
        view.put("size_bytes", b.sizeBytes());
        view.put("checksum", b.checksum());
        view.put("status", b.status());
        if (b.failReason() != null) {
            view.put("fail_reason", b.failReason());
        }
        view.put("parent_id", null);
        view.put("project_id", b.projectId());
        view.put("datastore", Map.of("type", b.datastoreName(), "version", b.versionName(),
                "version_id", b.datastoreVersionId().toString()));
        view.put("links", List.of(Map.of("rel", "self", "href",
                endpoints.trove(request) + "/v1.0/" + b.projectId() + "/backups/" + b.id())));
        return view;
    }
}
