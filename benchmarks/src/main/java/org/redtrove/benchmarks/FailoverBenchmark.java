package org.redtrove.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.redtrove.benchmarks.FailoverTarget.FaultKind;
import org.redtrove.benchmarks.FaultRunner.FaultRun;
import org.redtrove.benchmarks.FaultRunner.StallRun;
import org.redtrove.benchmarks.PromoteRunner.PromoteRun;

/**
 * Issue 8's failover figures and issue 9's client figures: RedTrove's automatic failover beside
 * Redis Sentinel 7 (down-after 1 s, and its default 30 s), under the same faults and the same write
 * load: a killed master process, a hung master (SIGSTOP until failed over, then SIGCONT), a lost
 * master host, and a long run of 500 ms stalls that must cause no failover at all. Then planned
 * switchovers (RedTrove's promote, SENTINEL FAILOVER), and the physical limit of a switchover on
 * two bare redis-servers. Every fault and switchover is also followed by an application's
 * JedisSentinelPool ({@link SentinelClientWriter}), pointed at RedTrove's Sentinel-compatible
 * endpoint or at the Sentinels.
 */
final class FailoverBenchmark {

    /** Runs of each fault, the stall runs' length, Sentinel-default's runs, and the switchovers' runs. */
    record Options(int runs, int stallMinutes, int sentinelDefaultRuns, int promoteRuns) {
    }

    /** What JedisSentinelPool saw over some runs. */
    record PoolSummary(Distribution firstWrite, Distribution afterSwitch, Distribution longestGap, long acked,
                       long lost, long demotedMasterWrites, long noNewMaster) {

        static PoolSummary of(List<SentinelClientWriter.Figures> runs) {
            return new PoolSummary(
                    Distribution.of(runs.stream().map(SentinelClientWriter.Figures::firstWriteMillis)
                            .filter(ms -> ms >= 0).toList()),
                    Distribution.of(runs.stream().map(SentinelClientWriter.Figures::afterSwitchMillis)
                            .filter(Objects::nonNull).toList()),
                    Distribution.of(runs.stream().map(SentinelClientWriter.Figures::longestGapMillis).toList()),
                    runs.stream().mapToLong(SentinelClientWriter.Figures::acked).sum(),
                    runs.stream().mapToLong(SentinelClientWriter.Figures::lost).sum(),
                    runs.stream().mapToLong(SentinelClientWriter.Figures::demotedMasterWrites).sum(),
                    runs.stream().filter(f -> f.firstWriteMillis() < 0).count());
        }
    }

    /** A second failover of the same set is blocked this long: short, so that a double failover shows. */
    static final String BLOCK_PERIOD = "2s";
    static final SentinelSet.Settings SENTINEL_FAST = new SentinelSet.Settings(1000, 3000);
    static final SentinelSet.Settings SENTINEL_DEFAULT = new SentinelSet.Settings(30_000, 180_000);
    private static final long STALL_MILLIS = 500;
    private static final long STALL_EVERY_MILLIS = 3000;
    /** Issue 9's goals, shown beside the figures; nothing here asserts them. */
    private static final double FOLLOW_GOAL_MILLIS = 1000;
    private static final double LIMIT_FACTOR_GOAL = 3;

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
        json.put("settings", settings());
        FaultRunner runner = new FaultRunner(Duration.ofSeconds(120));
        PromoteRunner promoter = new PromoteRunner();
        List<FaultRun> redtrove = new ArrayList<>();
        List<PromoteRun> redtrovePromotes;
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
                redtrovePromotes = promotes(promoter, set, "redtrove");
                if (options.stallMinutes() > 0) {
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
                }
            } finally {
                json.put("redtroveEjects", set.ejectReasons());
                Files.createDirectories(logs.toAbsolutePath().getParent());
                Files.writeString(logs, set.outputs());
            }
        }
        List<FaultRun> fast = sentinelRuns(runner, SENTINEL_FAST, options.runs(), "sentinel-1000");
        List<FaultRun> slow = sentinelRuns(runner, SENTINEL_DEFAULT, options.sentinelDefaultRuns(), "sentinel-default");
        List<PromoteRun> sentinelPromotes;
        // One set for every SENTINEL FAILOVER, as RedTrove's one set takes every promote.
        try (SentinelSet s = SentinelSet.start(work.resolve("sentinel-promote"), SENTINEL_FAST)) {
            sentinelPromotes = promotes(promoter, s, "sentinel");
        }
        SwitchoverLimit.Result limit = SwitchoverLimit.measure(work.resolve("limit"), options.promoteRuns());
        System.out.println("switchover limit: " + limit);
        json.put("redtrove", section(redtrove, redtroveStall, redtrovePromotes));
        json.put("sentinelDownAfter1000", section(fast, sentinelStall, sentinelPromotes));
        json.put("sentinelDefault", section(slow, null, null));
        Map<String, Object> limitJson = new LinkedHashMap<>();
        limitJson.put("longestGapMillis", limit.longestGapsMillis());
        limitJson.put("summary", Distribution.of(limit.longestGapsMillis()));
        limitJson.put("ackedWrites", limit.acked());
        limitJson.put("lostAckedWrites", limit.lost());
        json.put("switchoverLimit", limitJson);
        printTable(redtrove, fast, slow, redtroveStall, sentinelStall, redtrovePromotes, sentinelPromotes, limit);
        return json;
    }

    private Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runsPerFault", options.runs());
        s.put("stallMinutes", options.stallMinutes());
        s.put("promoteRuns", options.promoteRuns());
        s.put("stall", STALL_MILLIS + " ms SIGSTOP every " + STALL_EVERY_MILLIS + " ms");
        s.put("redtrove", "one set of 3 on 3 guest agents, faulted run after run, then promoted run after run;"
                + " redtrove.failover.block-period=" + BLOCK_PERIOD + ", other failover settings default");
        s.put("sentinelFast", SENTINEL_FAST);
        s.put("sentinelDefault", SENTINEL_DEFAULT);
        s.put("sentinelRuns", "a fresh master + 2 replicas + 3 Sentinels (quorum 2, the data password on the"
                + " Sentinels too) per fault run; one such set for all SENTINEL FAILOVER runs");
        s.put("writer", "FollowingWriter: RPUSH of sequence numbers, one at a time, ~1 ms apart, 500 ms socket"
                + " timeout, to whichever member answers role:master (for Sentinel: the one it names)");
        s.put("pool", "Jedis 8.0.2 JedisSentinelPool (default pool settings), sentinel and data password the set's,"
                + " 500 ms data timeouts; RPUSH n@host:port, host:port the peer of the connection's socket");
        s.put("switch", "when a member other than the old master first answers role:master (INFO replication),"
                + " polled every 5 ms");
        s.put("demotedMasterWrites", "acks by the old master's socket after the fault/request that came after the"
                + " switch, or that the final master lacks");
        s.put("switchoverLimit", "2 raw redis-servers: CLIENT PAUSE WRITE, wait for equal offsets, REPLICAOF NO ONE,"
                + " REPLICAOF, CLIENT UNPAUSE, under a FollowingWriter told the new master at once");
        return s;
    }

    private List<PromoteRun> promotes(PromoteRunner promoter, FailoverTarget target, String name) throws Exception {
        List<PromoteRun> runs = new ArrayList<>();
        for (int i = 0; i < options.promoteRuns(); i++) {
            PromoteRun r = promoter.run(target, "bench:" + name + ":promote:" + i);
            System.out.println(name + " promote " + i + ": " + r);
            runs.add(r);
        }
        return runs;
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

    /** One system's part of the JSON; a part not run (a stall, promotes) is null. */
    private static Map<String, Object> section(List<FaultRun> runs, StallRun stall, List<PromoteRun> promotes) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runs", runs);
        s.put("summary", summary(runs));
        s.put("stall", stall);
        if (promotes != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("runs", promotes);
            p.put("pool", PoolSummary.of(promotes.stream().map(PromoteRun::client).toList()));
            p.put("promoted", Distribution.of(promotes.stream().map(PromoteRun::promotedMillis)
                    .filter(ms -> ms >= 0).toList()));
            p.put("systemPause", Distribution.of(promotes.stream().map(PromoteRun::systemPauseMillis)
                    .filter(ms -> ms >= 0).toList()));
            s.put("promotes", p);
        }
        return s;
    }

    private static Map<String, Object> summary(List<FaultRun> runs) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (FaultKind fault : FaultKind.values()) {
            Distribution d = Distribution.of(firstWrites(runs, fault));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("runs", d.n());
            f.put("p50Millis", d.p50Millis());
            f.put("p99Millis", d.p99Millis());
            f.put("maxMillis", d.maxMillis());
            f.put("noNewMaster", runs.stream().filter(r -> r.fault() == fault && r.firstWriteMillis() < 0).count());
            f.put("promoted", Distribution.of(runs.stream().filter(r -> r.fault() == fault)
                    .map(FaultRun::promotedMillis).filter(ms -> ms >= 0).toList()));
            f.put("pool", pool(runs, fault));
            s.put(fault.name(), f);
        }
        s.put("ackedWrites", runs.stream().mapToLong(FaultRun::acked).sum());
        s.put("lostAckedWrites", runs.stream().mapToLong(FaultRun::lost).sum());
        s.put("doubleFailovers", doubles(runs));
        s.put("oldMasterWrites", runs.stream().mapToLong(FaultRun::oldMasterWrites).sum());
        s.put("pool", PoolSummary.of(runs.stream().map(FaultRun::client).toList()));
        return s;
    }

    private static PoolSummary pool(List<FaultRun> runs, FaultKind fault) {
        return PoolSummary.of(runs.stream().filter(r -> r.fault() == fault).map(FaultRun::client).toList());
    }

    /** A fault followed by more than one failover, or by writes taken on more than one new master. */
    private static long doubles(List<FaultRun> runs) {
        return runs.stream().filter(r -> r.failovers() > 1 || r.newMasters() > 1).count();
    }

    private static List<Double> firstWrites(List<FaultRun> runs, FaultKind fault) {
        return runs.stream().filter(r -> r.fault() == fault && r.firstWriteMillis() >= 0)
                .map(FaultRun::firstWriteMillis).toList();
    }

    private void printTable(List<FaultRun> redtrove, List<FaultRun> fast, List<FaultRun> slow,
                            StallRun redtroveStall, StallRun sentinelStall, List<PromoteRun> redtrovePromotes,
                            List<PromoteRun> sentinelPromotes, SwitchoverLimit.Result limit) {
        Distribution limitGaps = Distribution.of(limit.longestGapsMillis());
        PoolSummary redtrovePromote = PoolSummary.of(redtrovePromotes.stream().map(PromoteRun::client).toList());
        PoolSummary sentinelPromote = PoolSummary.of(sentinelPromotes.stream().map(PromoteRun::client).toList());
        String followGoal = "≤ " + ms(FOLLOW_GOAL_MILLIS) + " after the switch";
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
        for (FaultKind fault : FaultKind.values()) {
            rows.add(new String[] {"JedisSentinelPool, " + fault.label + ": fault → first write p50/p99/max",
                    poolFirst(pool(redtrove, fault)), poolFirst(pool(fast, fault)), poolFirst(pool(slow, fault)), ""});
            rows.add(new String[] {"JedisSentinelPool, " + fault.label + ": switch → first write p50/p99/max",
                    afterSwitch(pool(redtrove, fault)), afterSwitch(pool(fast, fault)),
                    afterSwitch(pool(slow, fault)), followGoal});
        }
        PoolSummary redtroveFaults = PoolSummary.of(redtrove.stream().map(FaultRun::client).toList());
        PoolSummary fastFaults = PoolSummary.of(fast.stream().map(FaultRun::client).toList());
        PoolSummary slowFaults = PoolSummary.of(slow.stream().map(FaultRun::client).toList());
        rows.add(new String[] {"JedisSentinelPool: acked writes on a demoted master (all faults)",
                demoted(redtroveFaults), demoted(fastFaults), demoted(slowFaults), "0"});
        rows.add(new String[] {"JedisSentinelPool: acknowledged writes lost (all faults)", poolLost(redtroveFaults),
                poolLost(fastFaults), poolLost(slowFaults), ""});
        String promoteN = " (n=" + redtrovePromotes.size() + " / " + sentinelPromotes.size() + ")";
        rows.add(new String[] {"planned promote" + promoteN + ": request → a replica answers as master p50/p99/max",
                promoted(redtrovePromotes), promoted(sentinelPromotes), "not run", ""});
        rows.add(new String[] {"planned promote: write pause the system reports p50/p99/max",
                systemPause(redtrovePromotes), "none reported", "not run", ""});
        rows.add(new String[] {"planned promote, JedisSentinelPool: request → first write p50/p99/max",
                poolFirst(redtrovePromote), poolFirst(sentinelPromote), "not run", ""});
        rows.add(new String[] {"planned promote, JedisSentinelPool: switch → first write p50/p99/max",
                afterSwitch(redtrovePromote), afterSwitch(sentinelPromote), "not run", followGoal});
        rows.add(new String[] {"planned promote, JedisSentinelPool: longest write gap p50/p99/max",
                poolGap(redtrovePromote), poolGap(sentinelPromote), "not run",
                limitGaps.empty() ? "≤ 3 × limit" : String.format("≤ 3 × limit: p50 ≤ %.1f ms, p99 ≤ %.1f ms",
                        LIMIT_FACTOR_GOAL * limitGaps.p50Millis(), LIMIT_FACTOR_GOAL * limitGaps.p99Millis())});
        rows.add(new String[] {"planned promote, JedisSentinelPool: acked writes on a demoted master",
                demoted(redtrovePromote), demoted(sentinelPromote), "not run", "0"});
        rows.add(new String[] {"planned promote, JedisSentinelPool: acknowledged writes lost",
                poolLost(redtrovePromote), poolLost(sentinelPromote), "not run", ""});
        rows.add(new String[] {"physical limit (2 bare redis-servers, plain Jedis, n=" + limitGaps.n()
                + "): longest write gap p50/p99/max", gap(limitGaps), "", "",
                "lost " + limit.lost() + " of " + limit.acked()});
        System.out.println();
        TextTable.print(rows);
        printGoals(redtrove, redtrovePromote, limitGaps);
        json.put("table", rows.stream().map(List::of).toList());
    }

    /** Issue 9's goals for RedTrove, each with the figure it is read against. Shown, not asserted. */
    private void printGoals(List<FaultRun> faults, PoolSummary promote, Distribution limit) {
        List<PoolSummary> followed = new ArrayList<>();
        for (FaultKind fault : FaultKind.values()) {
            followed.add(pool(faults, fault));
        }
        followed.add(promote);
        double follow = followed.stream().filter(p -> !p.afterSwitch().empty())
                .mapToDouble(p -> p.afterSwitch().p99Millis()).max().orElse(-1);
        long never = followed.stream().mapToLong(PoolSummary::noNewMaster).sum();
        long demoted = PoolSummary.of(faults.stream().map(FaultRun::client).toList()).demotedMasterWrites()
                + promote.demotedMasterWrites();
        List<String> goals = new ArrayList<>();
        goals.add("clients writing to the new master ≤ 1 s after the switch: RedTrove's worst p99 (faults and promote) "
                + (follow < 0 ? "not measured" : ms(follow))
                + (never > 0 ? ", and in " + never + " runs the pool never got there" : "")
                + (follow < 0 && never == 0 ? "" : verdict(follow <= FOLLOW_GOAL_MILLIS && never == 0)));
        goals.add("0 acknowledged writes on a demoted master: RedTrove " + demoted + verdict(demoted == 0));
        if (promote.longestGap().empty() || limit.empty()) {
            goals.add("promote's longest write gap ≤ 3 × the physical limit: not measured");
        } else {
            goals.add(String.format("promote's longest write gap ≤ 3 × the physical limit: p50 %.1f ms vs 3 × %.1f"
                            + " = %.1f ms%s; p99 %.1f ms vs 3 × %.1f = %.1f ms%s", promote.longestGap().p50Millis(),
                    limit.p50Millis(), LIMIT_FACTOR_GOAL * limit.p50Millis(),
                    verdict(promote.longestGap().p50Millis() <= LIMIT_FACTOR_GOAL * limit.p50Millis()),
                    promote.longestGap().p99Millis(), limit.p99Millis(), LIMIT_FACTOR_GOAL * limit.p99Millis(),
                    verdict(promote.longestGap().p99Millis() <= LIMIT_FACTOR_GOAL * limit.p99Millis())));
        }
        System.out.println();
        System.out.println("Goals (figures, not assertions):");
        goals.forEach(g -> System.out.println("  " + g));
        json.put("goals", goals);
    }

    private static String verdict(boolean met) {
        return met ? " (met)" : " (NOT met)";
    }

    private static String latency(List<FaultRun> runs, FaultKind fault) {
        Distribution d = Distribution.of(firstWrites(runs, fault));
        long none = runs.stream().filter(r -> r.fault() == fault && r.firstWriteMillis() < 0).count();
        if (d.empty()) {
            return none > 0 ? "no failover in " + none : "—";
        }
        return d.seconds() + (none > 0 ? " (" + none + " none)" : "");
    }

    private static String poolFirst(PoolSummary s) {
        if (s.firstWrite().empty()) {
            return s.noNewMaster() > 0 ? "never in " + s.noNewMaster() : "—";
        }
        return s.firstWrite().seconds() + (s.noNewMaster() > 0 ? " (" + s.noNewMaster() + " never)" : "");
    }

    /** A run whose pool never got to the new master counts here too: it did not follow at all. */
    private static String afterSwitch(PoolSummary s) {
        String never = s.noNewMaster() > 0 ? " (" + s.noNewMaster() + " never)" : "";
        return s.afterSwitch().empty() ? (never.isEmpty() ? "—" : "never in " + s.noNewMaster())
                : s.afterSwitch().millis() + never;
    }

    /** A run whose pool never followed has a gap as long as the benchmark waited for it. */
    private static String poolGap(PoolSummary s) {
        return gap(s.longestGap()) + (s.noNewMaster() > 0 ? " (" + s.noNewMaster() + " never followed)" : "");
    }

    private static String gap(Distribution d) {
        return d.empty() ? "—" : d.millis();
    }

    private static String promoted(List<PromoteRun> runs) {
        return gap(Distribution.of(runs.stream().map(PromoteRun::promotedMillis).filter(ms -> ms >= 0).toList()));
    }

    private static String systemPause(List<PromoteRun> runs) {
        return gap(Distribution.of(runs.stream().map(PromoteRun::systemPauseMillis).filter(ms -> ms >= 0).toList()));
    }

    private static String demoted(PoolSummary s) {
        return s.acked() == 0 ? "—" : Long.toString(s.demotedMasterWrites());
    }

    private static String poolLost(PoolSummary s) {
        return s.acked() == 0 ? "—" : s.lost() + " of " + s.acked();
    }

    private static String ms(double millis) {
        return millis >= 1000 ? String.format("%.2f s", millis / 1000) : String.format("%.0f ms", millis);
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
