package org.redtrove.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.redtrove.benchmarks.FailoverTarget.FaultKind;
import org.redtrove.benchmarks.FaultRunner.FaultRun;
import org.redtrove.benchmarks.FaultRunner.StallRun;

/**
 * Issue 8's failover figures: RedTrove's automatic failover beside Redis Sentinel 7 (down-after 1 s,
 * and its default 30 s), under the same faults and the same write load: a killed master process, a
 * hung master (SIGSTOP until failed over, then SIGCONT), a lost master host, and a long run of
 * 500 ms stalls that must cause no failover at all.
 */
final class FailoverBenchmark {

    /** How many runs of each fault, how long the stall runs last, and Sentinel-default's run count. */
    record Options(int runs, int stallMinutes, int sentinelDefaultRuns) {
    }

    /** A second failover of the same set is blocked this long: short, so that a double failover shows. */
    static final String BLOCK_PERIOD = "2s";
    static final SentinelSet.Settings SENTINEL_FAST = new SentinelSet.Settings(1000, 3000);
    static final SentinelSet.Settings SENTINEL_DEFAULT = new SentinelSet.Settings(30_000, 180_000);
    private static final long STALL_MILLIS = 500;
    private static final long STALL_EVERY_MILLIS = 3000;

    private final Path work;
    private final Options options;
    private final Map<String, Object> json = new LinkedHashMap<>();

    private FailoverBenchmark(Path work, Options options) {
        this.work = work;
        this.options = options;
    }

    /** Runs every part, prints the table and answers the figures for the JSON. */
    static Map<String, Object> run(Path work, Options options, Path logs) throws Exception {
        return new FailoverBenchmark(work, options).runAll(logs);
    }

    private Map<String, Object> runAll(Path logs) throws Exception {
        json.put("settings", Map.of("runsPerFault", options.runs(), "stallMinutes", options.stallMinutes(),
                "stall", STALL_MILLIS + " ms SIGSTOP every " + STALL_EVERY_MILLIS + " ms",
                "redtrove", "one set of 3 on 3 guest agents, faulted run after run; redtrove.failover.block-period="
                        + BLOCK_PERIOD + ", other failover settings default",
                "sentinelFast", SENTINEL_FAST, "sentinelDefault", SENTINEL_DEFAULT,
                "sentinelRuns", "a fresh master + 2 replicas + 3 Sentinels (quorum 2) per run",
                "writer", "RPUSH of sequence numbers, one at a time, ~1 ms apart, 500 ms socket timeout"));
        FaultRunner runner = new FaultRunner(Duration.ofSeconds(120));
        List<FaultRun> redtrove = new ArrayList<>();
        StallRun redtroveStall = null;
        StallRun sentinelStall = null;
        try (RedTroveSet set = RedTroveSet.start(Files.createDirectories(work.resolve("redtrove")),
                "redtrove.failover.block-period=" + BLOCK_PERIOD)) {
            json.put("redtrovePlacement", set.placement());
            try {
                for (int i = 0; i < options.runs() * 3; i++) {
                    FaultKind fault = FaultKind.values()[i % 3];
                    FaultRun r = runner.run(set, fault, "bench:redtrove:" + i);
                    System.out.println("redtrove " + i + ": " + r);
                    redtrove.add(r);
                }
                Duration stallLength = Duration.ofMinutes(options.stallMinutes());
                // Both stall runs at once: they are light (a writer and a signal every 3 s each).
                CompletableFuture<StallRun> sentinel = CompletableFuture.supplyAsync(() -> {
                    try (SentinelSet s = SentinelSet.start(work.resolve("sentinel-stall"), SENTINEL_FAST)) {
                        return runner.stall(s, stallLength, STALL_MILLIS, STALL_EVERY_MILLIS, "bench:stall");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                redtroveStall = runner.stall(set, stallLength, STALL_MILLIS, STALL_EVERY_MILLIS, "bench:stall");
                sentinelStall = sentinel.join();
                System.out.println("stalls: redtrove " + redtroveStall + ", sentinel " + sentinelStall);
            } finally {
                json.put("redtroveEjects", set.ejectReasons());
                Files.createDirectories(logs.toAbsolutePath().getParent());
                Files.writeString(logs, set.outputs());
            }
        }
        List<FaultRun> fast = sentinelRuns(runner, SENTINEL_FAST, options.runs(), "sentinel-1000");
        List<FaultRun> slow = sentinelRuns(runner, SENTINEL_DEFAULT, options.sentinelDefaultRuns(), "sentinel-default");
        json.put("redtrove", Map.of("runs", redtrove, "summary", summary(redtrove), "stall", redtroveStall));
        json.put("sentinelDownAfter1000", Map.of("runs", fast, "summary", summary(fast), "stall", sentinelStall));
        json.put("sentinelDefault", Map.of("runs", slow, "summary", summary(slow)));
        printTable(redtrove, fast, slow, redtroveStall, sentinelStall);
        return json;
    }

    private List<FaultRun> sentinelRuns(FaultRunner runner, SentinelSet.Settings settings, int runs, String name)
            throws Exception {
        List<FaultRun> results = new ArrayList<>();
        for (int i = 0; i < runs * 3; i++) {
            FaultKind fault = FaultKind.values()[i % 3];
            try (SentinelSet s = SentinelSet.start(work.resolve(name + "-" + i), settings)) {
                FaultRun r = runner.run(s, fault, "bench:" + name + ":" + i);
                System.out.println(name + " " + i + ": " + r);
                results.add(r);
            }
        }
        return results;
    }

    private static Map<String, Object> summary(List<FaultRun> runs) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (FaultKind fault : FaultKind.values()) {
            List<Double> ms = firstWrites(runs, fault);
            s.put(fault.name(), Map.of("runs", ms.size(), "p50Millis", percentile(ms, 50),
                    "p99Millis", percentile(ms, 99), "maxMillis", percentile(ms, 100),
                    "noNewMaster", runs.stream().filter(r -> r.fault() == fault && r.firstWriteMillis() < 0).count()));
        }
        s.put("ackedWrites", runs.stream().mapToLong(FaultRun::acked).sum());
        s.put("lostAckedWrites", runs.stream().mapToLong(FaultRun::lost).sum());
        s.put("doubleFailovers", doubles(runs));
        s.put("oldMasterWrites", runs.stream().mapToLong(FaultRun::oldMasterWrites).sum());
        return s;
    }

    /** A fault followed by more than one failover, or by writes taken on more than one new master. */
    private static long doubles(List<FaultRun> runs) {
        return runs.stream().filter(r -> r.failovers() > 1 || r.newMasters() > 1).count();
    }

    private static List<Double> firstWrites(List<FaultRun> runs, FaultKind fault) {
        return runs.stream().filter(r -> r.fault() == fault && r.firstWriteMillis() >= 0)
                .map(FaultRun::firstWriteMillis).sorted().toList();
    }

    /** Nearest rank: with 20 samples p99 is the largest. */
    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return Math.round(sorted.get(Math.max(0, rank - 1)));
    }

    private void printTable(List<FaultRun> redtrove, List<FaultRun> fast, List<FaultRun> slow,
                            StallRun redtroveStall, StallRun sentinelStall) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"measure", "RedTrove (n=" + options.runs() + ")",
                "Sentinel down-after 1 s (n=" + options.runs() + ")",
                "Sentinel default 30 s (n=" + options.sentinelDefaultRuns() + ")", "goal"});
        for (FaultKind fault : FaultKind.values()) {
            rows.add(new String[] {fault.label + ": fault → first write p50/p99/max", latency(redtrove, fault),
                    latency(fast, fault), latency(slow, fault), "p50 ≤ 1.5 s, p99 ≤ 3 s"});
        }
        rows.add(new String[] {"acknowledged writes lost (all faults)", lost(redtrove), lost(fast), lost(slow), ""});
        rows.add(new String[] {"double failovers", Long.toString(doubles(redtrove)), Long.toString(doubles(fast)),
                Long.toString(doubles(slow)), "0"});
        rows.add(new String[] {"writes accepted by a returning old master", oldWrites(redtrove), oldWrites(fast),
                oldWrites(slow), "0"});
        rows.add(new String[] {"false failovers, " + STALL_MILLIS + " ms stall every " + STALL_EVERY_MILLIS / 1000
                + " s for " + options.stallMinutes() + " min", stall(redtroveStall), stall(sentinelStall), "not run",
                "0"});
        System.out.println();
        for (String[] r : rows) {
            System.out.printf("%-56s %-26s %-30s %-30s %s%n", (Object[]) r);
        }
        json.put("table", rows.stream().map(List::of).toList());
    }

    private static String latency(List<FaultRun> runs, FaultKind fault) {
        List<Double> ms = firstWrites(runs, fault);
        long none = runs.stream().filter(r -> r.fault() == fault && r.firstWriteMillis() < 0).count();
        if (ms.isEmpty()) {
            return none > 0 ? "no failover in " + none : "—";
        }
        return String.format("%.2f / %.2f / %.2f s%s", percentile(ms, 50) / 1000, percentile(ms, 99) / 1000,
                percentile(ms, 100) / 1000, none > 0 ? " (" + none + " none)" : "");
    }

    private static String lost(List<FaultRun> runs) {
        return runs.stream().mapToLong(FaultRun::lost).sum() + " of " + runs.stream().mapToLong(FaultRun::acked).sum();
    }

    private static String oldWrites(List<FaultRun> runs) {
        return Long.toString(runs.stream().mapToLong(FaultRun::oldMasterWrites).sum());
    }

    private static String stall(StallRun s) {
        return s == null ? "not run" : s.falseFailovers() + " in " + s.stalls() + " stalls, lost " + s.lost();
    }
}
