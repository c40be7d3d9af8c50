package org.redtrove.api.policy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.redtrove.api.fault.PolicyNotAuthorized;
import org.redtrove.api.fault.Unauthorized;
import org.redtrove.api.identity.AuthContext;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The one place where {@link TrovePolicy} is enforced: before the handler of any Trove route runs,
 * the caller's roles must satisfy the route's rule. A route without a rule is refused.
 */
@Component
public class PolicyInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(request.getAttribute(AuthContext.ATTRIBUTE) instanceof AuthContext auth)) {
            throw new Unauthorized("Authentication required: send X-Auth-Token.");
        }
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        String method = request.getMethod();
        TrovePolicy.Rule rule = TrovePolicy.ruleFor(method, String.valueOf(pattern))
                .orElseThrow(() -> new PolicyNotAuthorized(method + " " + pattern));
        if (!rule.check().allows(auth.roles())) {
            throw new PolicyNotAuthorized(rule.name());
        }
        return true;
    }
}
