package org.redtrove.api.metrics;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.redtrove.api.fault.Faults;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.identity.CallerAuthenticator;
import org.redtrove.api.identity.IdentityUnavailable;
import org.redtrove.common.metrics.ScrapeToken;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /actuator/prometheus} is read by Prometheus with the installation's metrics token
 * ({@code Authorization: Bearer}, as on the taskmanager's and guest agents' management ports), or
 * by an operator with a token of the admin role. Health stays open: load balancers probe it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 21)
public class MetricsAccessFilter extends OncePerRequestFilter {

    static final String PATH = "/actuator/prometheus";

    private final ScrapeToken scrapeToken;
    private final CallerAuthenticator authenticator;

    public MetricsAccessFilter(@Value("${redtrove.metrics.token:}") String token, CallerAuthenticator authenticator) {
        this.scrapeToken = ScrapeToken.of(token);
        this.authenticator = authenticator;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(PATH) || path.startsWith(PATH + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (scrapeToken.admits(request.getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        String token = request.getHeader("X-Auth-Token");
        Optional<AuthContext> caller;
        try {
            caller = token == null ? Optional.empty() : authenticator.authenticate(token);
        } catch (IdentityUnavailable e) {
            Faults.write(response, 503, Faults.trove("serviceUnavailable", 503,
                    "The identity service is not available; try again later."));
            return;
        }
        if (caller.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"redtrove-metrics\"");
            Faults.write(response, 401, Faults.trove("unauthorized", 401,
                    "Metrics need Authorization: Bearer <the metrics token>, or X-Auth-Token of an admin."));
            return;
        }
        if (!caller.get().isAdmin()) {
            Faults.write(response, 403, Faults.trove("forbidden", 403, "Metrics are for the admin role."));
            return;
        }
        chain.doFilter(request, response);
    }
}
