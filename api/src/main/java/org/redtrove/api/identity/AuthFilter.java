package org.redtrove.api.identity;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.redtrove.api.fault.Faults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards every {@code /v1.0/{project_id}/...} route: the X-Auth-Token must be a live token scoped to
 * exactly that project. A missing, unknown or expired token is 401 (re-authenticating fixes it). A
 * token for another project is 403, not 401: the clients answer 401 by re-authenticating and
 * replaying the request (contract B.0 rule 4), which would send a POST twice and cannot help.
 * For the same reason an external Keystone that cannot answer is a 503.
 *
 * <p>X-Auth-Project-Id, which {@code trove --bypass-url} sends with the project's name, is ignored:
 * the token alone decides the project.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class AuthFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuthFilter.class);
    private static final String PREFIX = "/v1.0/";

    private final CallerAuthenticator authenticator;

    public AuthFilter(CallerAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return projectSegment(request) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String projectId = projectSegment(request);
        Optional<AuthContext> auth;
        try {
            auth = authenticator.authenticate(request.getHeader("X-Auth-Token"));
        } catch (IdentityUnavailable e) {
            log.warn("Cannot authenticate {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            Faults.write(response, 503, Faults.trove("serviceUnavailable", 503,
                    "The identity service is not available; try again later."));
            return;
        }
        if (auth.isEmpty()) {
            Faults.write(response, 401, Faults.trove("unauthorized", 401,
                    request.getHeader("X-Auth-Token") == null
                            ? "Authentication required: send X-Auth-Token."
                            : "The token is invalid or has expired."));
            return;
        }
        if (!projectId.equals(auth.get().projectId())) {
            Faults.write(response, 403, Faults.trove("forbidden", 403,
                    "Token is not scoped to project " + projectId + "."));
            return;
        }
        request.setAttribute(AuthContext.ATTRIBUTE, auth.get());
        chain.doFilter(request, response);
    }

    /** The {project_id} of a Trove route, or null for paths outside /v1.0/{project_id}. */
    private static String projectSegment(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String segment = slash < 0 ? rest : rest.substring(0, slash);
        return segment.isEmpty() ? null : segment;
    }
}
