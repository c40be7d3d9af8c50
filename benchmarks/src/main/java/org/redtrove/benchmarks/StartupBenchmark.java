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

    static Map<String, Object> run(Path jar, Path work, int runs) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        List<Double> fresh = new ArrayList<>();
        List<Map<String, Double>> freshPhases = new ArrayList<>();
        Path last = null;
        for (int i = 1; i <= runs; i++) {
            last = work.resolve("fresh-" + i);
            try (DevModeProcess dev = DevModeProcess.asUsersRunIt(jar, last)) {
                fresh.add(dev.coldStartSeconds);
                freshPhases.add(dev.startupPhases());
                Progress.line("fresh data dir, start %d of %d: ready in %.2f s (%s)", i, runs, dev.coldStartSeconds,
                        dev.startupPhases());
            }
        }
        List<Double> restart = new ArrayList<>();
        List<Map<String, Double>> restartPhases = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            try (DevModeProcess dev = DevModeProcess.asUsersRunIt(jar, last)) {
                restart.add(dev.coldStartSeconds);
                restartPhases.add(dev.startupPhases());
                Progress.line("same data dir, restart %d of %d: ready in %.2f s (%s)", i, runs, dev.coldStartSeconds,
                        dev.startupPhases());
            }
        }
        List<Double> floor = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            floor.add(floor());
            Progress.line("floor, start %d of %d: %.2f s", i, runs, floor.get(floor.size() - 1));
        }
        results.put("runs", runs);
        results.put("freshSeconds", summary(fresh, freshPhases));
        results.put("restartSeconds", summary(restart, restartPhases));
        results.put("floorSeconds", summary(floor, null));
        results.put("goal", "fresh ≤ 8 s, restart ≤ 5 s (medians)");
        return results;
    }

    private static Map<String, Object> summary(List<Double> samples, List<Map<String, Double>> phases) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", Benchmarks.round(Benchmarks.median(samples)));
        m.put("samples", samples.stream().map(Benchmarks::round).toList());
        if (phases != null) {
            // the parts of the start whose time was the median's
            int at = samples.indexOf(nearest(samples, Benchmarks.median(samples)));
            m.put("partsOfTheMedianStart", phases.get(at));
        }
        return m;
    }

    private static double nearest(List<Double> samples, double value) {
        return samples.stream().min((a, b) -> Double.compare(Math.abs(a - value), Math.abs(b - value))).orElseThrow();
    }

    /** Spawn to FLOOR READY of the floor app, then stopped. */
    private static double floor() throws Exception {
        long began = System.nanoTime();
        Process p = new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xss512k", "-XX:MaxRAM=2g",
                "-XX:TieredStopAtLevel=1", "-jar",
                FLOOR_JAR.toString(), "--server.port=0", "--server.address=127.0.0.1")
                .redirectErrorStream(true).start();
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
