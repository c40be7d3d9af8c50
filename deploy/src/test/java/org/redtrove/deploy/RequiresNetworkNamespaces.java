package org.redtrove.deploy;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Marks a test that lays RedTrove out over several hosts made of network namespaces
 * ({@code deploy/netns-hosts}): it needs root and iproute2, so elsewhere it is skipped with a line
 * on stderr saying why. With REDTROVE_REQUIRE_NETNS=true (what .ci/run sets; CI runs as root) it
 * is never skipped: a missing capability fails it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresNetworkNamespaces.Condition.class)
public @interface RequiresNetworkNamespaces {

    String REQUIRE_ENV = "REDTROVE_REQUIRE_NETNS";

    final class Condition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (AnnotationSupport.findAnnotation(context.getElement(), RequiresNetworkNamespaces.class).isEmpty()) {
                return ConditionEvaluationResult.enabled("no network namespaces needed");
            }
            if ("true".equalsIgnoreCase(System.getenv(REQUIRE_ENV))) {
                return ConditionEvaluationResult.enabled(REQUIRE_ENV + " is set: network namespaces are required");
            }
            String missing = missing();
            if (missing == null) {
                return ConditionEvaluationResult.enabled("root, with iproute2's ip netns");
            }
            String reason = "SKIPPED " + context.getDisplayName() + ": " + missing + ". This test makes hosts of"
                    + " network namespaces with deploy/netns-hosts, which needs root and iproute2; .ci/run runs it"
                    + " as root (set " + REQUIRE_ENV + "=true to make a missing capability fail instead).";
            System.err.println(reason);
            return ConditionEvaluationResult.disabled(reason);
        }

        /** What is missing, or null. */
        static String missing() {
            if (!isRoot()) {
                return "not running as root";
            }
            String ip = NetnsHosts.ip();
            if (!Files.isExecutable(Path.of(ip))) {
                return "iproute2's ip is not installed";
            }
            try {
                Process p = new ProcessBuilder(ip, "netns", "list").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    return "'ip netns list' fails here";
                }
            } catch (IOException e) {
                return "'ip netns list' cannot run: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            return null;
        }

        /** The effective uid, from the kernel's own account of this process. */
        private static boolean isRoot() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("Uid:")) {
                        return line.split("\\s+")[2].equals("0");
                    }
                }
            } catch (IOException e) {
                // not Linux, or no /proc: no namespaces either
            }
            return false;
        }
    }
}
