package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.redtrove.api.policy.TrovePolicy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Every Trove route Spring MVC maps has a policy rule, and every rule names a mapped route. */
class RoutePolicyTest extends ApiTestSupport {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Test
    void everyTroveRouteHasARuleAndEveryRuleARoute() {
        List<String> routes = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/v1.0/{projectId}")) {
                    for (RequestMethod m : info.getMethodsCondition().getMethods()) {
                        routes.add(m.name() + " " + pattern);
                    }
                }
            }
        });
        assertThat(routes).isNotEmpty();
        assertThat(TrovePolicy.rules().keySet()).containsExactlyInAnyOrderElementsOf(routes);
    }
}
