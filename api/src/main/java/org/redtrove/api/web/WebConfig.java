package org.redtrove.api.web;

import java.util.List;
import org.redtrove.api.identity.AuthContextResolver;
import org.redtrove.api.limits.RateLimitInterceptor;
import org.redtrove.api.policy.PolicyInterceptor;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration
public class WebConfig implements WebMvcConfigurer {

    /** Every Trove route: /v1.0/{projectId}/..., which AuthFilter has authenticated. */
    private static final String TROVE_ROUTES = "/v1.0/*/**";

    private final AuthContextResolver authContextResolver;
    private final RateLimitInterceptor rateLimits;
    private final PolicyInterceptor policy;

    public WebConfig(AuthContextResolver authContextResolver, RateLimitInterceptor rateLimits,
                     PolicyInterceptor policy) {
        this.authContextResolver = authContextResolver;
        this.rateLimits = rateLimits;
        this.policy = policy;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(authContextResolver);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // counted first, as Trove's rate-limit middleware sits before its controllers' policy checks
        registry.addInterceptor(rateLimits).addPathPatterns(TROVE_ROUTES);
        registry.addInterceptor(policy).addPathPatterns(TROVE_ROUTES);
    }
}
