package org.redtrove.api.web;

import jakarta.servlet.http.HttpServletRequest;
import org.redtrove.api.identity.IdentityController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /}: each port's own service answers its version list, Trove's on the Trove port
 * (what trove-tempest-plugin's versions test reads) and Keystone's on the identity port (what
 * keystoneauth reads for an unversioned OS_AUTH_URL).
 */
@RestController
class RootController {

    private final Endpoints endpoints;
    private final TroveVersionsController trove;
    private final IdentityController identity;

    RootController(Endpoints endpoints, TroveVersionsController trove, IdentityController identity) {
        this.endpoints = endpoints;
        this.trove = trove;
        this.identity = identity;
    }

    @GetMapping("/")
    ResponseEntity<Object> root(HttpServletRequest request) {
        return endpoints.onIdentityPort(request) ? identity.versions(request) : ResponseEntity.ok(trove.versions(request));
    }
}
