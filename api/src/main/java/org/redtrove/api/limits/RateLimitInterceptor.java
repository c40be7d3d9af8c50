package org.redtrove.api.limits;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.redtrove.api.fault.RateLimited;
import org.redtrove.api.identity.AuthContext;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/** Counts every Trove request against its user's rate limits before anything else runs (see RateLimiter). */
@Component
public class RateLimitInterceptor implements HandlerInterceptor {

    private final RateLimiter limiter;

    public RateLimitInterceptor(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getAttribute(AuthContext.ATTRIBUTE) instanceof AuthContext auth) {
            limiter.check(auth.userId(), request.getMethod(), request.getRequestURI()).ifPresent(refusal -> {
                throw new RateLimited(refusal.limit().errorMessage(), (long) Math.ceil(refusal.waitSeconds()));
            });
        }
        return true;
    }
}
