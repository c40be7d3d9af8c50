package org.redtrove.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Dev mode's start, as a user meets it: {@code deploy/redtrove dev} from spawn to its ready line
 * (the api answers and the guest agent has registered), on a fresh data dir and again on the same
 * one, each the median of several; beside the floor, a bare {@code java -jar} of a one-controller
 * Spring Boot web app ({@code benchmarks/startup-floor}) from spawn to its port listening, with the
 * same JVM options as the launcher gives dev mode. Each start's own account of its parts ({@code Start-up:}) is kept with it.
 */
final class StartupBenchmark {

    static final Path FLOOR_JAR = Path.of("benchmarks/startup-floor/target/startup-floor.jar");

    private StartupBenchmark() {
    }

    /** Measures, adds its two rows to the table, and answers the figures for the JSON. */
    static Map<String, Object> run(Path jar, Path work, int runs, List<String[]> table) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        Starts fresh = new Starts();
        for (int i = 1; i <= runs; i++) {
            fresh.start(jar, work.resolve("fresh-" + i), "fresh data dir, start " + i + " of " + runs);
        }
        Starts restart = new Starts();
        for (int i = 1; i <= runs; i++) {
            restart.start(jar, work.resolve("fresh-" + runs), "same data dir, restart " + i + " of " + runs);
        }
        List<Double> floor = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            floor.add(floor());
            Progress.line("floor, start %d of %d: %.2f s", i, runs, floor.get(floor.size() - 1));
        }
        results.put("runs", runs);
        results.put("freshSeconds", summary(fresh.seconds, fresh.phases));
        results.put("restartSeconds", summary(restart.seconds, restart.phases));
        results.put("floorSeconds", summary(floor, null));
        results.put("goal", "fresh ≤ 8 s, restart ≤ 5 s (medians)");
        table.add(new String[] {"dev mode, fresh data dir → ready (median of " + runs + ")",
                Benchmarks.round(Benchmarks.median(fresh.seconds)) + " s",
                "floor (bare java -jar, one-controller Spring Boot app): "
                        + Benchmarks.round(Benchmarks.median(floor)) + " s", "≤ 8 s"});
        table.add(new String[] {"dev mode, restart, same data dir → ready (median of " + runs + ")",
                Benchmarks.round(Benchmarks.median(restart.seconds)) + " s",
                "parts: " + parts(restart.phases.get(medianAt(restart.seconds))), "≤ 5 s"});
        return results;
    }

    private static String parts(Map<String, Double> parts) {
        return parts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " s")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Starts of one kind: how long each took to be ready, and its own account of its parts. */
    private static final class Starts {
        final List<Double> seconds = new ArrayList<>();
        final List<Map<String, Double>> phases = new ArrayList<>();

        void start(Path jar, Path dataDir, String label) throws Exception {
            try (DevModeProcess dev = DevModeProcess.asUsersRunIt(jar, dataDir)) {
                Map<String, Double> parts = dev.startupPhases();
                seconds.add(dev.coldStartSeconds);
                phases.add(parts);
                Progress.line("%s: ready in %.2f s (%s)", label, dev.coldStartSeconds, parts);
            }
        }
    }

    private static Map<String, Object> summary(List<Double> samples, List<Map<String, Double>> phases) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", Benchmarks.round(Benchmarks.median(samples)));
        m.put("samples", samples.stream().map(Benchmarks::round).toList());
        if (phases != null) {
            m.put("partsOfTheMedianStart", phases.get(medianAt(samples)));
        }
        return m;
    }

    /** The start whose time was the median's (the nearest to it, for an even count). */
    private static int medianAt(List<Double> samples) {
        double median = Benchmarks.median(samples);
        int at = 0;
        for (int i = 1; i < samples.size(); i++) {
            if (Math.abs(samples.get(i) - median) < Math.abs(samples.get(at) - median)) {
                at = i;
            }
        }
        return at;
    }

    /** Spawn to FLOOR READY of the floor app, then stopped. */
    private static double floor() throws Exception {
        long began = System.nanoTime();
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(DevModeProcess.DEV_MODE_JVM.split(" ")));
        command.addAll(List.of("-jar", FLOOR_JAR.toString(), "--server.port=0", "--server.address=127.0.0.1"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.contains("FLOOR READY")) {
                    return (System.nanoTime() - began) / 1e9;
                }
            }
            throw new IllegalStateException("the floor app ended without starting (exit code " + p.waitFor() + ")");
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
