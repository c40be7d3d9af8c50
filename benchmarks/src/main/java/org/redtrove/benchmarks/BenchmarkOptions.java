package org.redtrove.benchmarks;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The command line of {@code benchmarks/run} (documented at the top of that script). */
record BenchmarkOptions(Path jar, Set<Part> parts, Path out, boolean keepData, int dataMb, int promotes,
                        FailoverBenchmark.Options failover, ReplicationTaskBenchmark.Options tasks, int copyKeys,
                        int startupRuns, java.util.List<Integer> scaleLevels) {

    /** The parts of the benchmark; {@code --only} picks some (comma-separated), all run without it. */
    enum Part { STARTUP, SKELETON, REPLICATION, FAILOVER, TASKS, COPY, SCALE }

    static BenchmarkOptions parse(String[] args) {
        Path jar = Path.of("deploy/target/redtrove.jar");
        Set<Part> parts = EnumSet.allOf(Part.class);
        Path out = null;
        boolean keepData = false;
        int dataMb = 1024;
        int promotes = 5;
        int runs = 20;
        int stallMinutes = 10;
        int sentinelDefaultRuns = 3;
        int promoteRuns = 10;
        int taskSeconds = 20;
        int outageSeconds = 60;
        int copyKeys = 1_000_000;
        int startupRuns = 5;
        java.util.List<Integer> scaleLevels = java.util.List.of(50, 100, 250, 500);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--only" -> {
                    parts = EnumSet.noneOf(Part.class);
                    for (String part : args[++i].split(",")) {
                        parts.add(Part.valueOf(part.trim().toUpperCase(Locale.ROOT)));
                    }
                }
                case "--out" -> out = Path.of(args[++i]);
                case "--keep-data" -> keepData = true;
                case "--data-mb" -> dataMb = Integer.parseInt(args[++i]);
                case "--promotes" -> promotes = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--stall-minutes" -> stallMinutes = Integer.parseInt(args[++i]);
                case "--sentinel-default-runs" -> sentinelDefaultRuns = Integer.parseInt(args[++i]);
                case "--promote-runs" -> promoteRuns = Integer.parseInt(args[++i]);
                case "--task-seconds" -> taskSeconds = Integer.parseInt(args[++i]);
                case "--outage-seconds" -> outageSeconds = Integer.parseInt(args[++i]);
                case "--copy-keys" -> copyKeys = Integer.parseInt(args[++i]);
                case "--startup-runs" -> startupRuns = Integer.parseInt(args[++i]);
                case "--scale-levels" -> scaleLevels = java.util.Arrays.stream(args[++i].split(","))
                        .map(String::trim).map(Integer::parseInt).toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            out = Path.of(parts.equals(EnumSet.of(Part.FAILOVER)) ? "benchmarks/results/failover.json"
                    : parts.equals(EnumSet.of(Part.TASKS)) ? "benchmarks/results/tasks.json"
                    : parts.equals(EnumSet.of(Part.COPY)) ? "benchmarks/results/copy.json"
                    : parts.equals(EnumSet.of(Part.SCALE)) ? "benchmarks/results/scale.json"
                    : "benchmarks/results/latest.json");
        }
        return new BenchmarkOptions(jar, parts, out, keepData, dataMb, promotes,
                new FailoverBenchmark.Options(runs, stallMinutes, sentinelDefaultRuns, promoteRuns),
                new ReplicationTaskBenchmark.Options(taskSeconds, outageSeconds), copyKeys, startupRuns, scaleLevels);
    }

    boolean runs(Part part) {
        return parts.contains(part);
    }

    /**
     * What each part chosen is expected to take, from earlier runs on 2 cores: the start-up part
     * about 13 s a round, the replication part about 30 s plus 0.2 s a MB and 10 s a promote, the
     * failover part its setup, stalls and runs, the tasks part its loads and outage, the copy part
     * about 100 µs a key, the scale part about 0.4 s an instance grown and a minute of measuring at
     * each size (6 minutes to 500).
     */
    java.util.List<Progress.Planned> plan() {
        java.util.List<Progress.Planned> plan = new java.util.ArrayList<>();
        if (runs(Part.STARTUP)) {
            plan.add(new Progress.Planned("startup (" + startupRuns + " of each start)", 20 + startupRuns * 13.0));
        }
        if (runs(Part.SKELETON)) {
            plan.add(new Progress.Planned("skeleton", 25));
        }
        if (runs(Part.REPLICATION)) {
            plan.add(new Progress.Planned("replication (" + dataMb + " MB, " + promotes + " promotes)",
                    30 + dataMb * 0.2 + promotes * 10.0));
        }
        if (runs(Part.FAILOVER)) {
            FailoverBenchmark.Options f = failover;
            plan.add(new Progress.Planned("failover", 60 + f.stallMinutes() * 60.0 + f.sentinelDefaultRuns() * 3 * 35.0
                    + f.runs() * 6 * 10.0 + f.promoteRuns() * 3 * 26.0));
        }
        if (runs(Part.TASKS)) {
            plan.add(new Progress.Planned("tasks", 100 + tasks.taskSeconds() * 4.0 + tasks.outageSeconds()));
        }
        if (runs(Part.COPY)) {
            plan.add(new Progress.Planned("copy (" + copyKeys + " keys)", 20 + copyKeys * 1e-4));
        }
        if (runs(Part.SCALE)) {
            int most = scaleLevels.stream().mapToInt(Integer::intValue).max().orElse(0);
            plan.add(new Progress.Planned("scale (" + scaleLevels + " instances)", 20 + most * 0.4
                    + scaleLevels.size() * 60.0));
        }
        return plan;
    }
}
