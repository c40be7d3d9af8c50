package org.redtrove.taskmanager.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.redtrove.common.JobKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Fault injection at the exact points where a crash is hardest to survive, for the crash tests
 * and the chaos run: with {@code redtrove.chaos.halt=PROMOTE:commit:after} a taskmanager stops the
 * thread of any PROMOTE job right after its commit step was recorded (and prints a line saying
 * so), so the test can kill the process there and see what a resumed job makes of it. Phases:
 * {@code before} a step runs, {@code after-effect} once its effect is done but before it is
 * recorded, {@code after} once it is recorded. With {@code redtrove.chaos.halt-file} the points
 * are read from that file (the same syntax) each time a step is reached, so a test can move them
 * without restarting the taskmanager, and a thread halted by the file goes on once its point is
 * no longer there: the chaos run kills another process (an agent, the api) at that moment and lets
 * the same job continue. A {@code *} in a point stands for any characters, for steps named after
 * an instance ({@code ATTACH_REPLICAS:follow-*:after}). Both empty (the default) in production,
 * where {@link #reached} does nothing.
 */
@Component
public class Failpoints {

    public enum Phase {
        BEFORE("before"), AFTER_EFFECT("after-effect"), AFTER("after");

        private final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(Failpoints.class);

    private final Set<String> halts;
    private final Path haltFile;

    public Failpoints(@Value("${redtrove.chaos.halt:}") String halts,
                      @Value("${redtrove.chaos.halt-file:}") String haltFile) {
        this.halts = parse(halts);
        this.haltFile = haltFile.isBlank() ? null : Path.of(haltFile);
    }

    private static Set<String> parse(String halts) {
        return Arrays.stream(halts.split("[,\\s]+")).map(String::trim).filter(h -> !h.isEmpty())
                .collect(Collectors.toSet());
    }

    /**
     * Blocks the calling job thread when this point is configured to halt: for good when it comes
     * from {@code redtrove.chaos.halt}, until it leaves the file when it comes from the file.
     */
    public void reached(JobKind kind, String step, Phase phase) {
        if (halts.isEmpty() && haltFile == null) {
            return;
        }
        String point = kind + ":" + step + ":" + phase.label;
        boolean forGood = matches(halts, point);
        if (!forGood && !matches(fromFile(), point)) {
            return;
        }
        log.warn("FAILPOINT {} reached; this job's thread halts here", point);
        try {
            while (forGood || matches(fromFile(), point)) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException("Interrupted at failpoint " + point + ".");
        }
        log.warn("FAILPOINT {} released", point);
    }

    private static boolean matches(Set<String> patterns, String point) {
        return patterns.stream().anyMatch(p -> p.equals(point)
                || (p.contains("*") && point.matches(Arrays.stream(p.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")))));
    }

    private Set<String> fromFile() {
        if (haltFile == null) {
            return Set.of();
        }
        try {
            return Files.exists(haltFile) ? parse(Files.readString(haltFile)) : Set.of();
        } catch (IOException e) {
            return Set.of();
        }
    }
}
