package org.redtrove.benchmarks;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The command line of {@code benchmarks/run} (documented at the top of that script). */
record BenchmarkOptions(Path jar, Set<Part> parts, Path out, boolean keepData, int dataMb, int promotes,
                        FailoverBenchmark.Options failover, ReplicationTaskBenchmark.Options tasks, int copyKeys) {

    /** The parts of the benchmark; {@code --only} picks some (comma-separated), all run without it. */
    enum Part { SKELETON, REPLICATION, FAILOVER, TASKS, COPY }

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
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            out = Path.of(parts.equals(EnumSet.of(Part.FAILOVER)) ? "benchmarks/results/failover.json"
                    : parts.equals(EnumSet.of(Part.TASKS)) ? "benchmarks/results/tasks.json"
                    : parts.equals(EnumSet.of(Part.COPY)) ? "benchmarks/results/copy.json"
                    : "benchmarks/results/latest.json");
        }
        return new BenchmarkOptions(jar, parts, out, keepData, dataMb, promotes,
                new FailoverBenchmark.Options(runs, stallMinutes, sentinelDefaultRuns, promoteRuns),
                new ReplicationTaskBenchmark.Options(taskSeconds, outageSeconds), copyKeys);
    }

    boolean runs(Part part) {
        return parts.contains(part);
    }
}
