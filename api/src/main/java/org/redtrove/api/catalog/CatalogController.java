package org.redtrove.api.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.web.Endpoints;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Trove's flavor and datastore routes (contract B.2, D.1). Read-only; any project may read them. */
@RestController
@RequestMapping("/v1.0/{projectId}")
public class CatalogController {

    record Link(String rel, String href) {
    }

    record FlavorView(int id, @JsonProperty("str_id") String strId, String name, int ram, int vcpus, int disk,
                      int ephemeral, List<Link> links) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record VersionSummary(UUID id, String name, String version, List<Link> links) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DatastoreView(UUID id, String name, @JsonProperty("default_version") UUID defaultVersion,
                         List<VersionSummary> versions, List<Link> links) {
    }

    record VersionView(UUID id, String name, String version, UUID datastore, boolean active, String packages,
                       String image, List<Link> links) {
    }

    private final CatalogRepository catalog;
    private final Endpoints endpoints;

    public CatalogController(CatalogRepository catalog, Endpoints endpoints) {
        this.catalog = catalog;
        this.endpoints = endpoints;
    }

    @GetMapping("/flavors")
    Map<String, Object> flavors(AuthContext auth, HttpServletRequest request) {
        return Map.of("flavors", catalog.flavors().stream().map(f -> flavorView(f, auth, request)).toList());
    }

    @GetMapping("/flavors/{id}")
    Map<String, Object> flavor(@PathVariable String id, AuthContext auth, HttpServletRequest request) {
        CatalogRepository.Flavor flavor = catalog.flavor(id)
                .orElseThrow(() -> new NotFound("Flavor " + id + " could not be found."));
        return Map.of("flavor", flavorView(flavor, auth, request));
    }

    @GetMapping("/datastores")
    Map<String, Object> datastores(AuthContext auth, HttpServletRequest request) {
        return Map.of("datastores", catalog.datastores().stream().map(d -> datastoreView(d, auth, request)).toList());
    }

    @GetMapping("/datastores/{datastore}")
    Map<String, Object> datastore(@PathVariable String datastore, AuthContext auth, HttpServletRequest request) {
        return Map.of("datastore", datastoreView(findDatastore(datastore), auth, request));
    }

    @GetMapping("/datastores/{datastore}/versions")
    Map<String, Object> versions(@PathVariable String datastore, AuthContext auth, HttpServletRequest request) {
        CatalogRepository.Datastore ds = findDatastore(datastore);
        return Map.of("versions", catalog.versions(ds.id()).stream().map(v -> versionView(v, auth, request)).toList());
    }

    @GetMapping("/datastores/{datastore}/versions/{version}")
    Map<String, Object> version(@PathVariable String datastore, @PathVariable String version, AuthContext auth,
                                HttpServletRequest request) {
        CatalogRepository.Datastore ds = findDatastore(datastore);
        CatalogRepository.DatastoreVersion v = catalog.version(ds.id(), version)
                .orElseThrow(() -> new NotFound("Datastore version '" + version + "' cannot be found."));
        return Map.of("version", versionView(v, auth, request));
    }

    @GetMapping("/datastores/versions/{id}")
    Map<String, Object> versionById(@PathVariable String id, AuthContext auth, HttpServletRequest request) {
        CatalogRepository.DatastoreVersion v = catalog.versionById(id)
                .orElseThrow(() -> new NotFound("Datastore version '" + id + "' cannot be found."));
        return Map.of("version", versionView(v, auth, request));
    }

    private CatalogRepository.Datastore findDatastore(String idOrName) {
        return catalog.datastore(idOrName)
                .orElseThrow(() -> new NotFound("Datastore '" + idOrName + "' cannot be found."));
    }

    private FlavorView flavorView(CatalogRepository.Flavor f, AuthContext auth, HttpServletRequest request) {
        return new FlavorView(f.id(), Integer.toString(f.id()), f.name(), f.ramMb(), f.vcpus(), f.diskGb(), 0,
                links(request, auth, "flavors/" + f.id()));
    }

    private DatastoreView datastoreView(CatalogRepository.Datastore d, AuthContext auth, HttpServletRequest request) {
        List<VersionSummary> versions = catalog.versions(d.id()).stream()
                .map(v -> new VersionSummary(v.id(), v.name(), v.versionNumber(),
                        links(request, auth, "datastores/versions/" + v.id())))
                .toList();
        return new DatastoreView(d.id(), d.name(), d.defaultVersionId(), versions,
                links(request, auth, "datastores/" + d.id()));
    }

    private VersionView versionView(CatalogRepository.DatastoreVersion v, AuthContext auth,
                                    HttpServletRequest request) {
        return new VersionView(v.id(), v.name(), v.versionNumber(), v.datastoreId(), v.active(), "", "",
                links(request, auth, "datastores/versions/" + v.id()));
    }

    private List<Link> links(HttpServletRequest request, AuthContext auth, String path) {
        String base = endpoints.trove(request);
        return List.of(new Link("self", base + "/v1.0/" + auth.projectId() + "/" + path),
                new Link("bookmark", base + "/" + auth.projectId() + "/" + path));
    }
}
