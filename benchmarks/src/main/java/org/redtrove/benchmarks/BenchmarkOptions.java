package org.redtrove.benchmarks;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The command line of {@code benchmarks/run} (documented at the top of that script). */
record BenchmarkOptions(Path jar, Set<Part> parts, Path out, boolean keepData, int dataMb, int promotes,
                        FailoverBenchmark.Options failover) {

    /** The parts of the benchmark; {@code --only} picks some (comma-separated), all run without it. */
    enum Part { SKELETON, REPLICATION, FAILOVER }

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
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            out = Path.of(parts.equals(EnumSet.of(Part.FAILOVER)) ? "benchmarks/results/failover.json"
                    : "benchmarks/results/latest.json");
        }
        return new BenchmarkOptions(jar, parts, out, keepData, dataMb, promotes,
                new FailoverBenchmark.Options(runs, stallMinutes, sentinelDefaultRuns));
    }

    boolean runs(Part part) {
        return parts.contains(part);
    }
}
