package org.redtrove.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.benchmarks.RecordLoad.Shape;
import org.redtrove.benchmarks.TaskApi.Instance;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * The replication tasks part (README, "Replication tasks"), on a fresh dev mode: an unfiltered
 * task's throughput under a pipelined load, beside native replication of the same load and the
 * PSYNC reader alone (the two limits it cannot beat); a filtered task's end-to-end lag at a fixed
 * rate; and a target stopped for a long outage, after which every record must be there exactly
 * once. Records applied are counted on the target itself (INFO commandstats), not from the task's
 * heartbeat-borne diagnostics, which are read only beside them. Prints its table and goals and
 * answers the JSON; figures, not assertions.
 */
final class ReplicationTaskBenchmark {

    /** How long each load runs, and how long the outage target stays stopped. */
    record Options(int taskSeconds, int outageSeconds) {
    }

    /** redis.medium (1 GB): a full-speed load's streams for the default 20 s fit with room. */
    private static final int FLAVOR = 3;
    private static final int FILTERED_RATE = 10_000;
    private static final int OUTAGE_RATE = 2_000;
    private static final Duration OUTAGE_WARM_UP = Duration.ofSeconds(3);
    /** Waiting for a catch-up ends when the count has not moved for this long (or after 10 minutes). */
    private static final Duration STALLED = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 2;
    private static final double THROUGHPUT_GOAL = 100_000;
    private static final double LAG_P99_GOAL_MILLIS = 50;
    private static final double CATCH_UP_GOAL_MILLIS = 1000;

    /** A count read from a server, for a phase to follow. */
    private interface Count {
        long get() throws Exception;
    }

    /**
     * How long after {@code from} a count reached what was expected; -1 millis if it never did,
     * {@code taskSaysDone} if the task meanwhile reported nothing pending and nothing behind.
     */
    private record CatchUp(double millis, long reached, boolean taskSaysDone) {

        boolean done() {
            return millis >= 0;
        }
    }

    private final TaskApi api;
    private final Path work;
    private final Options options;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> goals = new ArrayList<>();

    private ReplicationTaskBenchmark(TaskApi api, Path work, Options options) {
        this.api = api;
        this.work = work;
        this.options = options;
    }

    /**
     * Runs the five phases on a fresh dev mode, prints the table and answers the figures for the
     * JSON; the dev mode's output goes beside the JSON ({@code <name>-dev-mode.log}).
     */
    static Map<String, Object> run(Path jar, Path work, Options options, Path jsonOut) throws Exception {
        long estimate = 4L * options.taskSeconds() + options.outageSeconds() + 100;
        System.out.printf("tasks: 5 phases on a fresh dev mode, about %d min %02d s (more if a task falls behind"
                + " its load and has to catch up)%n", estimate / 60, estimate % 60);
        long began = System.nanoTime();
        String name = jsonOut.getFileName().toString().replaceFirst("\\.json$", "");
        Path devLog = jsonOut.toAbsolutePath().resolveSibling(name + "-dev-mode.log");
        try (DevModeProcess dev = new DevModeProcess(jar, work.resolve("dev"))) {
            System.out.printf("tasks: dev mode ready in %.1f s%n", dev.coldStartSeconds);
            TroveApi api = new TroveApi(dev.url());
            api.login("admin", dev.adminPassword(), "admin");
            ReplicationTaskBenchmark b = new ReplicationTaskBenchmark(new TaskApi(api), work, options);
            try {
                b.runAll();
            } finally {
                Files.createDirectories(devLog.getParent());
                Files.write(devLog, dev.output());
                System.out.println("tasks: the dev mode's output is in " + devLog);
            }
            b.json.put("devModeLog", devLog.toString());
            b.json.put("totalSeconds", Math.round((System.nanoTime() - began) / 1e8) / 10.0);
            return b.json;
        }
    }

    private void runAll() throws Exception {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("taskSeconds", options.taskSeconds());
        settings.put("outageSeconds", options.outageSeconds());
        settings.put("flavor", "redis.medium");
        settings.put("filteredWritesPerSecond", FILTERED_RATE);
        settings.put("outageWritesPerSecond", OUTAGE_RATE);
        settings.put("keysPerKind", RecordLoad.KEYS);
        json.put("settings", settings);
        Instance a = api.create("tasks-a", FLAVOR);
        Instance b = api.create("tasks-b", FLAVOR);
        phase("unfiltered", () -> unfiltered(a, b));
        phase("nativeReplication", this::nativeReplication);
        phase("psyncReader", this::psyncReader);
        phase("filteredLag", () -> filteredLag(a, b));
        phase("outage", () -> outage(a));
        System.out.println();
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"measure", "RedTrove", "beside", "goal"});
        table.addAll(rows);
        TextTable.print(table);
        System.out.println();
        System.out.println("Goals (figures, not assertions):");
        goals.forEach(g -> System.out.println("  " + g));
        json.put("table", rows.stream().map(List::of).toList());
        json.put("goals", goals);
    }

    private interface Phase {
        void run() throws Exception;
    }

    /** A phase that fails is reported as failed and the next one still runs. */
    private void phase(String key, Phase phase) {
        try {
            phase.run();
        } catch (Exception e) {
            System.out.println("tasks: " + key + " FAILED: " + e);
            json.put(key, Map.of("failed", String.valueOf(e)));
            rows.add(new String[] {key, "failed", clip(String.valueOf(e.getMessage()), 100), ""});
        }
    }

    // ---- 1: unfiltered throughput -----------------------------------------------------------------

    private void unfiltered(Instance a, Instance b) throws Exception {
        String task = "bench-unfiltered";
        int seconds = options.taskSeconds();
        long began = begin("1/5 unfiltered throughput", "task A→B without filters; SET/HSET/XADD pipelined into A"
                + " as fast as it takes them for " + seconds + " s, counted as applied on B");
        api.createTask(task, "{\"src_instance\":\"" + a.id() + "\",\"dst_instance\":\"" + b.id()
                + "\",\"mode\":\"enabled\"}");
        Map<String, Object> out = new LinkedHashMap<>();
        try (Jedis source = a.connect(); Jedis target = b.connect()) {
            api.awaitFlowing(task, source, target);
            ServerCounts.awaitQuiet(source, target);
            long base = ServerCounts.recordsApplied(target);
            Count applied = () -> ServerCounts.recordsApplied(target) - base;
            RecordLoad load = RecordLoad.start(a.connect(), Shape.MIXED, 0);
            long started = System.nanoTime();
            List<Map<String, Object>> apiEachSecond = new ArrayList<>();
            List<Long> perSecond = follow("unfiltered", load, seconds, applied, task, apiEachSecond);
            load.close();
            long stopped = System.nanoTime();
            long written = load.written();
            long inWindow = applied.get();
            CatchUp caughtUp = awaitCount("unfiltered: catching up", applied, written, stopped, task);
            Thread.sleep(1000);
            long finalCount = applied.get();
            Thread.sleep(1500); // the agent's next heartbeat carries the task's report
            JsonNode shown = api.task(task);
            double rate = inWindow / ((stopped - started) / 1e9);
            out.put("writtenRecords", written);
            out.put("loadWritesPerSecond", round(load.rate()));
            out.put("loadFailures", load.failed());
            out.put("appliedWhileLoadRan", inWindow);
            out.put("appliedPerSecondWhileLoadRan", round(rate));
            out.put("appliedPerSecondEachSecond", rates(perSecond));
            out.put("apiEachSecond", apiEachSecond);
            out.put("caughtUpMillisAfterLoadStopped", round(caughtUp.millis()));
            out.put("appliedInTheEnd", finalCount);
            out.put("appliedMoreThanWritten", Math.max(0, finalCount - written));
            out.put("neverArrived", Math.max(0, written - finalCount));
            out.put("taskReportedNothingPendingWhileShort", caughtUp.taskSaysDone());
            out.put("task", TaskApi.figures(shown));
            out.put("sourceAndTargetLogLines", ServerCounts.logLines(work.resolve("dev"), "output buffer limits",
                    "Partial resynchronization not", "Full resync", "Starting BGSAVE for SYNC"));
            json.put("unfiltered", out);
            boolean fastEnough = rate >= THROUGHPUT_GOAL;
            boolean caughtUpInTime = caughtUp.done() && caughtUp.millis() <= CATCH_UP_GOAL_MILLIS;
            String refused = load.failed() > 0 ? ", " + load.failed() + " refused: " + load.firstFailure() : "";
            String difference = finalCount < written ? String.format(" (%,d never arrived)", written - finalCount)
                    : finalCount > written ? String.format(" (%,d more than written)", finalCount - written) : "";
            JsonNode info = shown.get("info");
            row("unfiltered task A→B: records applied/s while the load ran", perSecond(rate),
                    String.format("load wrote %s for %d s (%,d records%s)", perSecond(load.rate()), seconds, written,
                            refused), "≥ 100,000/s" + verdict(fastEnough));
            row("unfiltered task: load stopped → pending 0 (all on B)",
                    caughtUp.done() ? ms(caughtUp.millis()) : "not reached",
                    String.format("applied %,d of %,d%s; API: pending %d, %,d bytes behind, hourly ok %,d, errors %s",
                            finalCount, written, difference, info.get("pending_records").asLong(),
                            info.get("bytes_behind").asLong(),
                            shown.get("diagnostics").get("hourly").get("ok").asLong(), TaskApi.errors(shown)),
                    "≤ 1 s" + verdict(caughtUpInTime));
            goals.add("≥ 100,000 records/s sustained unfiltered: " + perSecond(rate) + verdict(fastEnough));
            String catchUp = caughtUp.done() ? ms(caughtUp.millis())
                    : caughtUp.taskSaysDone() ? String.format("the task reports 0 pending and 0 bytes behind, but %,d"
                            + " of %,d records never arrived", written - finalCount, written)
                    : String.format("not within the wait (%,d of %,d applied)", caughtUp.reached(), written);
            goals.add("pending back to 0 within 1 s after the unfiltered load (faster than the task) stops: " + catchUp
                    + verdict(caughtUpInTime));
            end("1/5 unfiltered throughput", began, String.format("%s applied while the load wrote %s; caught up %s",
                    perSecond(rate), perSecond(load.rate()), caughtUp.done() ? "after " + ms(caughtUp.millis())
                            : "never"));
        } finally {
            api.deleteTask(task);
        }
    }

    // ---- 2: native replication, the limit ---------------------------------------------------------

    private void nativeReplication() throws Exception {
        int seconds = options.taskSeconds();
        long began = begin("2/5 native replication", "the same load into an instance with one replica attached"
                + " through the API, for " + seconds + " s, counted as applied on the replica");
        Instance master = api.create("tasks-native", FLAVOR);
        Instance replica = api.attachReplica(master, "tasks-native-r");
        Map<String, Object> out = new LinkedHashMap<>();
        try (Jedis m = master.connect(); Jedis r = replica.connect()) {
            Benchmarks.awaitInSync(r, ServerCounts.offset(m, "master_repl_offset"));
            ServerCounts.awaitQuiet(m, r);
            long base = ServerCounts.recordsApplied(r);
            Count applied = () -> ServerCounts.recordsApplied(r) - base;
            RecordLoad load = RecordLoad.start(master.connect(), Shape.MIXED, 0);
            long started = System.nanoTime();
            List<Long> perSecond = follow("native", load, seconds, applied, null, null);
            load.close();
            long stopped = System.nanoTime();
            long masterOffset = ServerCounts.offset(m, "master_repl_offset");
            long inWindow = applied.get();
            double offsetLag = -1;
            long deadline = stopped + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                if (ServerCounts.offset(r, "slave_repl_offset") >= masterOffset) {
                    offsetLag = (System.nanoTime() - stopped) / 1e6;
                    break;
                }
                Thread.sleep(1);
            }
            long written = load.written();
            CatchUp caughtUp = awaitCount("native: catching up", applied, written, stopped, null);
            double rate = inWindow / ((stopped - started) / 1e9);
            out.put("writtenCommands", written);
            out.put("loadWritesPerSecond", round(load.rate()));
            out.put("loadFailures", load.failed());
            out.put("appliedWhileLoadRan", inWindow);
            out.put("appliedPerSecondWhileLoadRan", round(rate));
            out.put("appliedPerSecondEachSecond", rates(perSecond));
            out.put("replicaOffsetEqualMillisAfterLoadStopped", round(offsetLag));
            out.put("offsetPolledEveryMillis", 1);
            out.put("allAppliedMillisAfterLoadStopped", round(caughtUp.millis()));
            json.put("nativeReplication", out);
            String equalAfter = offsetLag < 0 ? "never" : ms(offsetLag);
            row("native replica, same load: commands/s applied while it ran", perSecond(rate),
                    String.format("load wrote %s; replica offset = master's %s after the load stopped"
                            + " (polled every 1 ms)", perSecond(load.rate()), equalAfter), "the limit");
            end("2/5 native replication", began, String.format("%s applied while the load wrote %s; offsets equal"
                    + " after %s", perSecond(rate), perSecond(load.rate()), equalAfter));
        } finally {
            api.delete(replica);
            api.delete(master);
        }
    }

    // ---- 3: the PSYNC reader alone ----------------------------------------------------------------

    private void psyncReader() throws Exception {
        int seconds = options.taskSeconds();
        long began = begin("3/5 PSYNC reader alone", "redis-replicator in this JVM reading a redis-server started"
                + " by hand (requirepass, RDB skipped), the same load for " + seconds + " s");
        String password = UUID.randomUUID().toString();
        Map<String, Object> out = new LinkedHashMap<>();
        try (RawRedis raw = new RawRedis(work.resolve("psync-source"), password); Jedis admin = raw.jedis();
             PsyncReader reader = PsyncReader.start("127.0.0.1", raw.port, password, admin)) {
            RecordLoad load = RecordLoad.start(raw.jedis(), Shape.MIXED, 0);
            long started = System.nanoTime();
            List<Long> perSecond = follow("psync", load, seconds, reader::records, null, null);
            load.close();
            long stopped = System.nanoTime();
            long inWindow = reader.records();
            long written = load.written();
            CatchUp caughtUp = awaitCount("psync: catching up", reader::records, written, stopped, null);
            double rate = inWindow / ((stopped - started) / 1e9);
            out.put("writtenCommands", written);
            out.put("loadWritesPerSecond", round(load.rate()));
            out.put("loadFailures", load.failed());
            out.put("readWhileLoadRan", inWindow);
            out.put("readPerSecondWhileLoadRan", round(rate));
            out.put("readPerSecondEachSecond", rates(perSecond));
            out.put("allReadMillisAfterLoadStopped", round(caughtUp.millis()));
            out.put("readerFailure", reader.failure() == null ? null : String.valueOf(reader.failure()));
            json.put("psyncReader", out);
            row("PSYNC reader alone (redis-replicator), same load: commands/s read", perSecond(rate),
                    String.format("load wrote %s; all read %s after the load stopped", perSecond(load.rate()),
                            caughtUp.done() ? ms(caughtUp.millis()) : "never"), "the reader's limit");
            end("3/5 PSYNC reader alone", began, String.format("%s read while the load wrote %s", perSecond(rate),
                    perSecond(load.rate())));
        }
    }

    // ---- 4: lag at a fixed rate, through a filter -------------------------------------------------

    private void filteredLag(Instance a, Instance b) throws Exception {
        String task = "bench-filtered";
        int seconds = options.taskSeconds();
        long began = begin("4/5 lag at a fixed rate", String.format("task A→B with include engine_status=working;"
                + " %,d writes/s paced into A for %d s, half of them idle (filtered out)", FILTERED_RATE, seconds));
        api.createTask(task, "{\"src_instance\":\"" + a.id() + "\",\"dst_instance\":\"" + b.id()
                + "\",\"include\":{\"engine_status\":\"working\"},\"mode\":\"enabled\"}");
        Map<String, Object> out = new LinkedHashMap<>();
        try (Jedis source = a.connect(); Jedis target = b.connect()) {
            api.awaitFlowing(task, source, target);
            ServerCounts.awaitQuiet(source, target);
            long base = ServerCounts.recordsApplied(target);
            Count applied = () -> ServerCounts.recordsApplied(target) - base;
            StampReader stamps = new StampReader(b.connect());
            RecordLoad load = RecordLoad.start(a.connect(), Shape.STAMPED_HALF_IDLE, FILTERED_RATE);
            List<Map<String, Object>> apiEachSecond = new ArrayList<>();
            follow("filtered", load, seconds, applied, task, apiEachSecond);
            load.close();
            long stopped = System.nanoTime();
            long passing = load.passingStreamWrites() + load.passingHashWrites();
            CatchUp caughtUp = awaitCount("filtered: catching up", applied, passing, stopped, task);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (stamps.lagMillis().size() < load.passingStreamWrites() && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
            }
            Thread.sleep(500);
            stamps.close();
            long finalCount = applied.get();
            Thread.sleep(1500);
            JsonNode shown = api.task(task);
            Distribution lag = Distribution.of(stamps.lagMillis());
            out.put("writtenRecords", load.written());
            out.put("writesPerSecondAchieved", round(load.rate()));
            out.put("loadFailures", load.failed());
            out.put("passingRecords", passing);
            out.put("passingStreamEntries", load.passingStreamWrites());
            out.put("appliedInTheEnd", finalCount);
            out.put("filteredOutEntriesThatArrived", stamps.filteredOutReceived());
            out.put("lagMillis", lag);
            out.put("lagMeasuredBy", "blocking XREAD over the " + RecordLoad.STAMPED_STREAMS + " streams on the target;"
                    + " the XADD half of the passing records, send time in the entry, receipt when XREAD returns");
            out.put("caughtUpMillisAfterLoadStopped", round(caughtUp.millis()));
            out.put("readerFailure", stamps.failure() == null ? null : String.valueOf(stamps.failure()));
            out.put("apiEachSecond", apiEachSecond);
            out.put("task", TaskApi.figures(shown));
            json.put("filteredLag", out);
            row(String.format("filtered task, %,d writes/s (half idle): lag p50/p99/max", FILTERED_RATE), lag.millis(),
                    String.format("n=%,d XADDs, read by blocking XREAD on B (no poll interval); rate %s; applied"
                                    + " %,d of %,d passing; idle arrived %d", lag.n(), perSecond(load.rate()),
                            finalCount, passing, stamps.filteredOutReceived()),
                    "p99 ≤ 50 ms" + verdict(!lag.empty() && lag.p99Millis() <= LAG_P99_GOAL_MILLIS));
            boolean drained = caughtUp.done() && caughtUp.millis() <= CATCH_UP_GOAL_MILLIS;
            row(String.format("filtered task, %,d writes/s: load stopped → all on B", FILTERED_RATE),
                    caughtUp.done() ? ms(caughtUp.millis()) : "not reached",
                    String.format("applied %,d of %,d passing", finalCount, passing), "≤ 1 s" + verdict(drained));
            goals.add(String.format("pending back to 0 within 1 s after a %,d writes/s load stops: %s%s",
                    FILTERED_RATE, caughtUp.done() ? ms(caughtUp.millis()) : "not reached", verdict(drained)));
            goals.add(String.format("p99 lag ≤ 50 ms at %,d writes/s: %s (achieved %s)%s", FILTERED_RATE,
                    lag.empty() ? "not measured" : ms(lag.p99Millis()), perSecond(load.rate()),
                    verdict(!lag.empty() && lag.p99Millis() <= LAG_P99_GOAL_MILLIS)));
            end("4/5 lag at a fixed rate", began, "lag p50/p99/max " + lag.millis() + ", n=" + lag.n());
        } finally {
            api.deleteTask(task);
        }
    }

    // ---- 5: a target outage -------------------------------------------------------------------------

    private void outage(Instance a) throws Exception {
        String task = "bench-outage";
        int seconds = options.outageSeconds();
        long began = begin("5/5 target outage", String.format("task A→a redis-server outside RedTrove (dst_host);"
                + " RPUSH 0, 1, 2, … at %,d/s; the target SIGSTOPped for %d s after %d s", OUTAGE_RATE, seconds,
                OUTAGE_WARM_UP.toSeconds()));
        String password = UUID.randomUUID().toString();
        Map<String, Object> out = new LinkedHashMap<>();
        try (RawRedis outside = new RawRedis(work.resolve("outage-target"), password); Jedis target = outside.jedis();
             Jedis source = a.connect()) {
            api.createTask(task, "{\"src_instance\":\"" + a.id() + "\",\"dst_host\":\"redis://127.0.0.1:" + outside.port
                    + "\",\"dst_password\":\"" + password + "\",\"mode\":\"enabled\"}");
            api.awaitFlowing(task, source, target);
            RecordLoad load = RecordLoad.start(a.connect(), Shape.NUMBERED, OUTAGE_RATE);
            Thread.sleep(OUTAGE_WARM_UP.toMillis());
            long maxPending = 0;
            long maxBehind = 0;
            int firstInactive = -1;
            long resumed;
            FaultRunner.signal("STOP", outside.pid());
            long stoppedAt = System.nanoTime();
            try {
                for (int s = 1; s <= seconds; s++) {
                    sleepUntil(stoppedAt + s * 1_000_000_000L);
                    JsonNode info = api.task(task).get("info");
                    maxPending = Math.max(maxPending, info.get("pending_records").asLong());
                    maxBehind = Math.max(maxBehind, info.get("bytes_behind").asLong());
                    if (firstInactive < 0 && !info.get("is_active").asBoolean()) {
                        firstInactive = s;
                    }
                    if (s % 5 == 0 && s < seconds) {
                        System.out.printf("  outage %d/%d s: written %,d; API: active %s, pending %,d, bytes behind"
                                        + " %,d, last error %s%n", s, seconds, load.written(),
                                info.get("is_active").asBoolean(), info.get("pending_records").asLong(),
                                info.get("bytes_behind").asLong(), clip(TaskApi.text(info.get("last_error")), 90));
                    }
                }
            } finally {
                FaultRunner.signal("CONT", outside.pid());
                resumed = System.nanoTime();
            }
            load.close();
            long written = load.written();
            CatchUp delivered = awaitCount("outage: delivering", () -> target.llen(RecordLoad.NUMBERED_LIST), written,
                    resumed, task);
            double apiPendingZero = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (api.task(task).get("info").get("pending_records").asLong() == 0) {
                    apiPendingZero = (System.nanoTime() - resumed) / 1e6;
                    break;
                }
                Thread.sleep(100);
            }
            Thread.sleep(1000);
            List<String> got = target.lrange(RecordLoad.NUMBERED_LIST, 0, -1);
            long[] check = exactlyOnce(got, written);
            JsonNode shown = api.task(task);
            boolean exact = got.size() == written && check[0] == 0 && check[1] == 0 && check[2] == 0;
            out.put("writtenRecords", written);
            out.put("writesPerSecondAchieved", round(load.rate()));
            out.put("loadFailures", load.failed());
            out.put("stoppedSeconds", round((resumed - stoppedAt) / 1e9));
            out.put("onTarget", got.size());
            out.put("duplicates", check[0]);
            out.put("missing", check[1]);
            out.put("outOfOrder", check[2]);
            out.put("exactlyOnce", exact);
            out.put("allOnTargetMillisAfterSigcont", round(delivered.millis()));
            out.put("apiPendingZeroMillisAfterSigcont", round(apiPendingZero));
            out.put("maxPendingSeenByApi", maxPending);
            out.put("maxBytesBehindSeenByApi", maxBehind);
            out.put("firstSecondShownInactive", firstInactive);
            out.put("task", TaskApi.figures(shown));
            json.put("outage", out);
            String allThere = delivered.done() ? seconds(delivered.millis()) : "never";
            String pendingZero = apiPendingZero < 0 ? "never" : seconds(apiPendingZero);
            row(String.format("target SIGSTOPped %d s, %,d RPUSH/s: on target / written", seconds, OUTAGE_RATE),
                    String.format("%,d / %,d", got.size(), written),
                    String.format("duplicates %d, missing %d, out of order %d; SIGCONT → all on target %s, API"
                                    + " pending 0 %s; max pending %,d", check[0], check[1], check[2], allThere,
                            pendingZero, maxPending),
                    "exactly once" + verdict(exact));
            goals.add(String.format("after a %d s outage every record delivered exactly once: %,d of %,d, %d"
                    + " duplicates, %d missing%s", seconds, got.size(), written, check[0], check[1], verdict(exact)));
            end("5/5 target outage", began, String.format("%,d of %,d on the target, exactly once: %s", got.size(),
                    written, exact));
        } finally {
            api.deleteTask(task);
        }
    }

    /** Of a list that must be "0", "1", … "n-1": {duplicates, missing, out of order}. */
    private static long[] exactlyOnce(List<String> got, long n) {
        java.util.BitSet seen = new java.util.BitSet();
        long duplicates = 0;
        long outOfOrder = 0;
        long previous = -1;
        for (String s : got) {
            long v = Long.parseLong(s);
            if (v < 0 || v >= n || seen.get((int) v)) {
                duplicates++;
            } else {
                seen.set((int) v);
            }
            if (v <= previous) {
                outOfOrder++;
            }
            previous = v;
        }
        return new long[] {duplicates, n - seen.cardinality(), outOfOrder};
    }

    // ---- following a load -----------------------------------------------------------------------

    /**
     * While the load runs for {@code seconds}: the count each second, with a task what the API
     * says of it each second (into {@code apiSamples}), and a progress line every 5 s.
     */
    private List<Long> follow(String what, RecordLoad load, int seconds, Count applied, String task,
                              List<Map<String, Object>> apiSamples) throws Exception {
        List<Long> samples = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 1; s <= seconds; s++) {
            sleepUntil(start + s * 1_000_000_000L);
            long count = applied.get();
            samples.add(count);
            JsonNode info = task == null ? null : api.task(task).get("info");
            if (info != null) {
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("second", s);
                sample.put("pendingRecords", info.get("pending_records").asLong());
                sample.put("bytesBehind", info.get("bytes_behind").asLong());
                sample.put("lastBatchLagMs", info.get("last_batch_lag_ms").asLong());
                apiSamples.add(sample);
            }
            if (s % 5 == 0 && s < seconds) {
                String pending = info == null ? "" : String.format(", API: pending %,d, %,d bytes behind,"
                                + " last batch lag %d ms", info.get("pending_records").asLong(),
                        info.get("bytes_behind").asLong(), info.get("last_batch_lag_ms").asLong());
                System.out.printf("  %s %d/%d s: written %,d (%s), applied %,d (%s)%s%n", what, s, seconds,
                        load.written(), perSecond(load.rate()), count, perSecond(count / (s * 1.0)), pending);
            }
        }
        return samples;
    }

    /**
     * Polls every 2 ms until the count reaches {@code expected}, with a progress line every 5 s.
     * Gives up when it has not moved for {@link #STALLED}, after 10 minutes, or, with a task, when
     * the task has said for 3 s running that nothing is pending and it is 0 bytes behind its source
     * while the count is still short: what is missing then will not come.
     */
    private CatchUp awaitCount(String what, Count count, long expected, long fromNanos, String task) throws Exception {
        long last = count.get();
        long lastMoved = System.nanoTime();
        long nextReport = lastMoved + 5_000_000_000L;
        long nextAsk = lastMoved + 1_000_000_000L;
        int idleAnswers = 0;
        long deadline = fromNanos + Duration.ofMinutes(10).toNanos();
        while (true) {
            long now = System.nanoTime();
            if (last >= expected) {
                return new CatchUp((now - fromNanos) / 1e6, last, false);
            }
            if (now - lastMoved > STALLED.toNanos() || now > deadline) {
                System.out.printf("  %s: gave up at %,d of %,d%n", what, last, expected);
                return new CatchUp(-1, last, false);
            }
            if (task != null && now > nextAsk) {
                JsonNode info = api.task(task).get("info");
                boolean idle = info.get("pending_records").asLong() == 0 && info.get("bytes_behind").asLong() == 0;
                idleAnswers = idle ? idleAnswers + 1 : 0;
                if (idleAnswers >= 3) {
                    System.out.printf("  %s: the task reports 0 pending and 0 bytes behind, yet %,d of %,d are on the"
                            + " target: the rest is not coming%n", what, last, expected);
                    return new CatchUp(-1, last, true);
                }
                nextAsk = now + 1_000_000_000L;
            }
            if (now > nextReport) {
                System.out.printf("  %s: %,d of %,d after %s%n", what, last, expected,
                        seconds((now - fromNanos) / 1e6));
                nextReport = now + 5_000_000_000L;
            }
            Thread.sleep(POLL_MILLIS);
            long c = count.get();
            if (c != last) {
                lastMoved = System.nanoTime();
                last = c;
            }
        }
    }

    // ---- output ---------------------------------------------------------------------------------------

    private static long begin(String phase, String what) {
        System.out.println("tasks: " + phase + ": started: " + what);
        return System.nanoTime();
    }

    private static void end(String phase, long began, String figures) {
        System.out.printf("tasks: %s: done in %.0f s: %s%n", phase, (System.nanoTime() - began) / 1e9, figures);
    }

    private void row(String what, String value, String beside, String goal) {
        rows.add(new String[] {what, value, beside, goal});
    }

    private static List<Double> rates(List<Long> cumulative) {
        List<Double> rates = new ArrayList<>();
        long previous = 0;
        for (long c : cumulative) {
            rates.add((double) (c - previous));
            previous = c;
        }
        return rates;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static String verdict(boolean met) {
        return met ? " (met)" : " (not met)";
    }

    private static String perSecond(double rate) {
        return String.format("%,.0f/s", rate);
    }

    private static String ms(double millis) {
        return String.format("%.1f ms", millis);
    }

    private static String seconds(double millis) {
        return String.format("%.2f s", millis / 1000);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? String.valueOf(s) : s.substring(0, max - 1) + "…";
    }
}
