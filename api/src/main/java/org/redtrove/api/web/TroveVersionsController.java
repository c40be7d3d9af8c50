package org.redtrove.api.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Trove's API version list (trove/versions.py), at the Trove port's root (see RootController) and
 * at {@code /v1.0}.
 */
@RestController
public class TroveVersionsController {

    record Link(String href, String rel) {
    }

    record Version(String id, String status, String updated, List<Link> links) {
    }

    private final Endpoints endpoints;

    public TroveVersionsController(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @GetMapping({"/v1.0", "/v1.0/"})
    public Map<String, Object> versions(HttpServletRequest request) {
        return Map.of("versions", List.of(new Version("v1.0", "CURRENT", "2012-08-01T00:00:00Z",
                List.of(new Link(endpoints.trove(request) + "/v1.0/", "self")))));
    }
}
