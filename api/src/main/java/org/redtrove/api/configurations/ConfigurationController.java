package org.redtrove.api.configurations;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.web.Endpoints;
import org.redtrove.api.web.JsonBodyReader;
import org.redtrove.api.web.Times;
import org.redtrove.common.TenantParameters;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Trove's configuration groups (trove/configuration/service.py and views.py): the parameters a
 * datastore version lets tenants set, and the groups themselves. Attach and detach go through
 * {@code PUT /instances/{id}} like Trove's.
 */
@RestController
@RequestMapping("/v1.0/{projectId}")
class ConfigurationController {

    private final ConfigurationService service;
    private final CatalogRepository catalog;
    private final JsonBodyReader bodies;
    private final Endpoints endpoints;

    ConfigurationController(ConfigurationService service, CatalogRepository catalog, JsonBodyReader bodies,
                            Endpoints endpoints) {
        this.service = service;
        this.catalog = catalog;
        this.bodies = bodies;
        this.endpoints = endpoints;
    }

    // ---- parameters ------------------------------------------------------------------------------

    @GetMapping("/datastores/{datastore}/versions/{version}/parameters")
    Map<String, Object> parameters(@PathVariable String datastore, @PathVariable String version) {
        return parameterList(version(datastore, version));
    }

    @GetMapping("/datastores/{datastore}/versions/{version}/parameters/{name}")
    Map<String, Object> parameter(@PathVariable String datastore, @PathVariable String version,
                                  @PathVariable String name) {
        return parameter(TenantParameters.named(name).orElseThrow(() -> unknownParameter(name)),
                version(datastore, version));
    }

    @GetMapping("/datastores/versions/{version}/parameters")
    Map<String, Object> parametersByVersion(@PathVariable String version) {
        return parameterList(versionById(version));
    }

    @GetMapping("/datastores/versions/{version}/parameters/{name}")
    Map<String, Object> parameterByVersion(@PathVariable String version, @PathVariable String name) {
        return parameter(TenantParameters.named(name).orElseThrow(() -> unknownParameter(name)), versionById(version));
    }

    private UUID version(String datastore, String version) {
        CatalogRepository.Datastore ds = catalog.datastore(datastore)
                .orElseThrow(() -> new NotFound("Datastore '" + datastore + "' cannot be found."));
        return catalog.version(ds.id(), version).map(CatalogRepository.DatastoreVersion::id)
                .orElseThrow(() -> new NotFound("Datastore version '" + version + "' cannot be found."));
    }

    private UUID versionById(String version) {
        return catalog.versionById(version).map(CatalogRepository.DatastoreVersion::id)
                .orElseThrow(() -> new NotFound("Datastore version '" + version + "' cannot be found."));
    }

    private static NotFound unknownParameter(String name) {
        return new NotFound("No configuration parameter named " + name + " for this datastore version.");
    }

    private static Map<String, Object> parameterList(UUID versionId) {
        return Map.of("configuration-parameters", TenantParameters.all().stream().map(p -> parameter(p, versionId))
                .toList());
    }

    private static Map<String, Object> parameter(TenantParameters.Parameter p, UUID versionId) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", p.name());
        view.put("type", p.type().name().toLowerCase(java.util.Locale.ROOT));
        if (p.min() != null) {
            view.put("min", p.min());
        }
        if (p.max() != null) {
            view.put("max", p.max());
        }
        view.put("restart_required", false);
        view.put("datastore_version_id", versionId.toString());
        return view;
    }

    // ---- groups ----------------------------------------------------------------------------------

    @GetMapping("/configurations")
    Map<String, Object> list(AuthContext auth, HttpServletRequest request) {
        return Map.of("configurations", service.list(auth).stream().map(c -> view(c, false, auth, request)).toList());
    }

    @PostMapping("/configurations")
    Map<String, Object> create(AuthContext auth, HttpServletRequest request) {
        return Map.of("configuration", view(service.create(auth, bodies.read(request)), true, auth, request));
    }

    @GetMapping("/configurations/{id}")
    Map<String, Object> show(AuthContext auth, @PathVariable String id, HttpServletRequest request) {
        return Map.of("configuration", view(service.visible(auth, id), true, auth, request));
    }

    @GetMapping("/configurations/{id}/instances")
    Map<String, Object> instances(AuthContext auth, @PathVariable String id) {
        return Map.of("instances", service.members(auth, id).stream()
                .map(m -> Map.of("id", m.id().toString(), "name", m.name())).toList());
    }

    @PutMapping("/configurations/{id}")
    ResponseEntity<Void> replace(AuthContext auth, @PathVariable String id, HttpServletRequest request) {
        service.change(auth, id, bodies.read(request), true);
        return ResponseEntity.accepted().build();
    }

    @PatchMapping("/configurations/{id}")
    ResponseEntity<Void> edit(AuthContext auth, @PathVariable String id, HttpServletRequest request) {
        service.change(auth, id, bodies.read(request), false);
        return ResponseEntity.accepted().build();
    }

    @DeleteMapping("/configurations/{id}")
    ResponseEntity<Void> delete(AuthContext auth, @PathVariable String id) {
        service.delete(auth, id);
        return ResponseEntity.accepted().build();
    }

    private Map<String, Object> view(ConfigurationRepository.Configuration c, boolean detail, AuthContext auth,
                                     HttpServletRequest request) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", c.id().toString());
        view.put("name", c.name());
        view.put("description", c.description());
        view.put("datastore_version_id", c.datastoreVersionId().toString());
        view.put("datastore_name", c.datastoreName());
        view.put("datastore_version_name", c.versionName());
        view.put("created", Times.format(c.created()));
        view.put("updated", Times.format(c.updated()));
        if (detail) {
            view.put("values", c.values());
            view.put("instance_count", c.instanceCount());
        }
        view.put("links", List.of(Map.of("rel", "self", "href",
                endpoints.trove(request) + "/v1.0/" + c.projectId() + "/configurations/" + c.id())));
        return view;
    }
}
