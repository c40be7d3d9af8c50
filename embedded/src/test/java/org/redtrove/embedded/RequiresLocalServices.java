package org.redtrove.embedded;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Marks a test of RedTrove against the machine's own PostgreSQL and RabbitMQ (the production
 * layout). Every other test brings its own embedded services, so the build passes on a machine
 * with nothing running; these run wherever the services answer on their standard ports, and are
 * skipped otherwise with a line on stderr saying so. With REDTROVE_REQUIRE_LOCAL_SERVICES=true
 * (what .ci/run sets, after starting both) they are never skipped: a missing service fails them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresLocalServices.Condition.class)
public @interface RequiresLocalServices {

    LocalService[] value();

    String REQUIRE_ENV = "REDTROVE_REQUIRE_LOCAL_SERVICES";

    final class Condition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            var annotation = AnnotationSupport.findAnnotation(context.getElement(), RequiresLocalServices.class);
            if (annotation.isEmpty()) {
                return ConditionEvaluationResult.enabled("no local services needed");
            }
            if ("true".equalsIgnoreCase(System.getenv(REQUIRE_ENV))) {
                return ConditionEvaluationResult.enabled(REQUIRE_ENV + " is set: the local services are required");
            }
            List<LocalService> missing = Arrays.stream(annotation.get().value()).filter(s -> !s.answers()).toList();
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("the local services answer");
            }
            String reason = "SKIPPED " + context.getDisplayName() + ": nothing answers at "
                    + String.join(", ", missing.stream().map(s -> s.label() + " " + s.address()).toList())
                    + ". This test proves RedTrove against a separate " + String.join(" and ",
                    missing.stream().map(LocalService::label).toList()) + "; .ci/run starts them and runs it "
                    + "(set " + REQUIRE_ENV + "=true to make a missing service fail instead).";
            // Surefire keeps test output in files; stderr of the fork reaches the console.
            System.err.println(reason);
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
