package org.redtrove.deploy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Marks a test that drives a real browser (Debian's chromium through chromium-driver): where they
 * are not installed it is skipped with a line on stderr saying so. With REDTROVE_REQUIRE_BROWSER=true
 * (what .ci/run sets, after installing both) it is never skipped: a missing browser fails it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresBrowser.Condition.class)
public @interface RequiresBrowser {

    String REQUIRE_ENV = "REDTROVE_REQUIRE_BROWSER";

    final class Condition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (AnnotationSupport.findAnnotation(context.getElement(), RequiresBrowser.class).isEmpty()) {
                return ConditionEvaluationResult.enabled("no browser needed");
            }
            if ("true".equalsIgnoreCase(System.getenv(REQUIRE_ENV))) {
                return ConditionEvaluationResult.enabled(REQUIRE_ENV + " is set: the browser is required");
            }
            if (Files.isExecutable(ConsoleBrowser.CHROMIUM) && Files.isExecutable(ConsoleBrowser.DRIVER)) {
                return ConditionEvaluationResult.enabled("chromium and chromedriver are installed");
            }
            String reason = "SKIPPED " + context.getDisplayName() + ": " + ConsoleBrowser.CHROMIUM + " or "
                    + ConsoleBrowser.DRIVER + " is not installed (apt-get install chromium chromium-driver; .ci/run"
                    + " does, and sets " + REQUIRE_ENV + "=true so that a missing browser fails instead).";
            System.err.println(reason);
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
