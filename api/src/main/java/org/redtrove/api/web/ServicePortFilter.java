package org.redtrove.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.redtrove.api.fault.Faults;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The identity port serves the identity service only: its root, {@code /identity/**},
 * {@code /v3/**}, {@code /v2.0/**} and the legacy login at {@code /v1.0} (a request carrying
 * X-Auth-User). Trove's routes there are unknown paths, 404. The Trove port keeps serving the
 * identity routes too, for clients set up before the identity service had a port of its own.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class ServicePortFilter extends OncePerRequestFilter {

    private final Endpoints endpoints;

    public ServicePortFilter(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (endpoints.onIdentityPort(request) && !isIdentityRoute(request)) {
            Faults.write(response, 404, Faults.forPath(request.getRequestURI(), 404));
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isIdentityRoute(HttpServletRequest request) {
        String path = request.getRequestURI();
        boolean legacyLogin = (path.equals("/v1.0") || path.equals("/v1.0/")) && request.getHeader("X-Auth-User") != null;
        return path.equals("/") || Faults.isIdentityPath(path) || legacyLogin;
    }
}
