package org.redtrove.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.redtrove.benchmarks.BenchmarkOptions.Part;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import tools.jackson.databind.JsonNode;

/**
 * Measures RedTrove against real Redis on a fresh dev mode, each figure beside the baseline it has
 * to beat: attach beside a full sync done by hand, promote beside Redis's own FAILOVER under the
 * same write load, eject from request to a writable new master; and, in {@link FailoverBenchmark},
 * automatic failover beside Redis Sentinel; and, in {@link ReplicationTaskBenchmark}, replication
 * tasks beside native replication. Prints a table and writes JSON.
 * Figures, not assertions: the goals are shown next to them.
 */
public final class Benchmarks {

    private final TroveApi api;
    private final DevModeProcess dev;
    private final Path work;
    private final Map<String, Object> results;
    private final List<String[]> table;

    private Benchmarks(TroveApi api, DevModeProcess dev, Path work, Map<String, Object> results,
                       List<String[]> table) {
        this.api = api;
        this.results = results;
        this.table = table;
        this.dev = dev;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = BenchmarkOptions.parse(args);
        // ProcessStack starts the packaged jar as separate processes, as the tests do.
        System.setProperty("redtrove.jar", options.jar().toAbsolutePath().toString());
        Path work = Files.createTempDirectory("redtrove-bench");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("startedAt", Instant.now().toString());
        results.put("machine", Machine.describe(redisVersion()));
        results.put("command", command(args));
        List<String[]> table = new ArrayList<>();
        Progress.plan(options.plan());
        try {
            try (var phase = Progress.phase("prepare: the launcher builds, unpacks and archives what is missing")) {
                results.put("prepareSeconds", round(DevModeProcess.prepare(options.jar(), work)));
            }
            if (options.runs(Part.STARTUP)) {
                try (var phase = Progress.phase("startup: " + options.startupRuns() + " starts on fresh data dirs, "
                        + options.startupRuns() + " restarts, " + options.startupRuns() + " of the floor")) {
                    results.put("startup", StartupBenchmark.run(options.jar(), work.resolve("startup"),
                            options.startupRuns(), table));
                }
            }
            if (options.runs(Part.SKELETON) || options.runs(Part.REPLICATION)) {
                // The eject below is measured from its request: the set's own automatic failover,
                // which would take the stopped master first, is the failover part's to measure.
                Map<String, String> env = new java.util.HashMap<>(DevModeProcess.SERVICES_JIT);
                env.put("REDTROVE_FAILOVER_AUTOMATIC", "false");
                try (DevModeProcess dev = new DevModeProcess(options.jar(), work.resolve("dev"), List.of(), env)) {
                    TroveApi api = new TroveApi(dev.url());
                    api.login("admin", dev.adminPassword(), "admin");
                    Benchmarks b = new Benchmarks(api, dev, work, results, table);
                    if (options.runs(Part.SKELETON)) {
                        try (var phase = Progress.phase("skeleton: 10 creates on a fresh dev mode")) {
                            b.skeleton();
                        }
                    }
                    if (options.runs(Part.REPLICATION)) {
                        b.replication(options.dataMb(), options.promotes());
                    }
                }
            }
            if (options.runs(Part.FAILOVER)) {
                try (var phase = Progress.phase("failover: RedTrove beside Redis Sentinel")) {
                    results.put("failover", FailoverBenchmark.run(work.resolve("failover"), options.failover(),
                            options.out().resolveSibling("failover-redtrove-processes.log")));
                }
            }
            if (options.runs(Part.TASKS)) {
                try (var phase = Progress.phase("tasks: replication tasks beside native replication")) {
                    results.put("tasks", ReplicationTaskBenchmark.run(options.jar(), work.resolve("tasks"),
                            options.tasks(), options.out()));
                }
            }
            if (options.runs(Part.COPY)) {
                try (var phase = Progress.phase("copy: redtrove cp beside a raw loop")) {
                    results.put("copy", CopyBenchmark.run(options.jar(), work.resolve("copy"), options.copyKeys(),
                            options.out()));
                }
            }
            if (options.runs(Part.SCALE)) {
                try (var phase = Progress.phase("scale: one guest host grown to " + options.scaleLevels()
                        + " instances")) {
                    results.put("scale", ScaleBenchmark.run(options.jar(), work.resolve("scale"),
                            options.scaleLevels(), table, options.out()));
                }
            }
            results.put("table", table.stream().map(r -> Map.of("measure", r[0], "redtrove", r[1], "beside", r[2],
                    "goal", r[3])).toList());
            report(table, results, options.out());
        } finally {
            if (options.keepData()) {
                System.out.println("Data and Redis logs kept in " + work);
            } else {
                deleteTree(work); // several copies of the data set
            }
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The command as the user typed it: benchmarks/run adds the default --jar itself. */
    private static String command(String[] args) {
        List<String> typed = new ArrayList<>(List.of(args));
        int jar = typed.indexOf("--jar");
        if (jar >= 0 && jar + 1 < typed.size() && Path.of(typed.get(jar + 1)).normalize()
                .equals(Path.of("deploy/target/redtrove.jar"))) {
            typed.subList(jar, jar + 2).clear();
        }
        typed.add(0, "benchmarks/run");
        return String.join(" ", typed);
    }

    /** Issue 2 figures: cold start, create → ACTIVE, memory of the dev-mode JVM with 10 instances. */
    private void skeleton() throws Exception {
        results.put("devModeColdStartSeconds", round(dev.coldStartSeconds));
        row("dev mode with the services' JIT, fresh data dir → ready (this run's own start)",
                fmt(dev.coldStartSeconds, "s"), "", "");
        List<Double> createMillis = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            String id = api.create("{\"instance\":{\"name\":\"bench-" + i + "\",\"flavorRef\":1}}").get("id").asString();
            api.awaitActive(Duration.ofSeconds(60), id);
            createMillis.add((System.nanoTime() - t0) / 1e6);
            ids.add(id);
        }
        long rss = dev.rssMib();
        results.put("createToActiveMillis", Map.of("median", round(median(createMillis)), "max",
                round(Collections.max(createMillis)), "samples", createMillis.stream().map(Benchmarks::round).toList()));
        results.put("devModeRssMibWith10Instances", rss);
        row("create → ACTIVE (median of 10)", fmt(median(createMillis), "ms"), "", "");
        row("dev-mode JVM resident memory, 10 instances", rss + " MiB", "", "");
        for (String id : ids) {
            api.call("DELETE", "/instances/" + id, null);
        }
    }

    private void replication(int dataMb, int rounds) throws Exception {
        JsonNode created = api.create("{\"instance\":{\"name\":\"bench-master\",\"flavorRef\":4}}");
        String masterId = created.get("id").asString();
        String password = created.get("password").asString();
        api.awaitActive(Duration.ofSeconds(60), masterId);
        int masterPort = api.show(masterId).get("port").asInt();
        long usedBytes;
        try (var phase = Progress.phase("replication: loading " + dataMb + " MB into a redis.large master");
             Jedis m = jedis(masterPort, password)) {
            fill(m, dataMb);
            usedBytes = Long.parseLong(info(m, "memory", "used_memory"));
        }
        results.put("dataSet", Map.of("requestedMb", dataMb, "usedMemoryBytes", usedBytes));

        // Baseline: the same data fully synced to two replicas by hand, with the same master settings.
        // Tenants may not configure or replicate from their Redis: the baseline logs in as the guest
        // agent does (its password is in the instance's redis.conf) and adds a user of its own that
        // may sync, as RawRedis's replicas log in to their masters.
        double rawSeconds;
        RawRedis rawA = new RawRedis(work.resolve("raw-a"), password);
        RawRedis rawB = new RawRedis(work.resolve("raw-b"), password);
        awaitQuiet(List.of(masterPort), password);
        try (var phase = Progress.phase("replication: the baseline, the same full sync to 2 replicas by hand");
             Jedis m = org.redtrove.deploy.AgentAccess.connect(org.redtrove.deploy.AgentAccess.instanceDir(
                     dev.dataDir.resolve("guest"), masterId), masterPort)) {
            RawRedis.allowSync(m, password);
            m.configSet("repl-diskless-sync-delay", "5");
            m.configSet("repl-diskless-sync-max-replicas", "2");
            long target = Long.parseLong(info(m, "replication", "master_repl_offset"));
            long t0 = System.nanoTime();
            try (Jedis a = rawA.jedis(); Jedis b = rawB.jedis()) {
                a.replicaof("127.0.0.1", masterPort);
                b.replicaof("127.0.0.1", masterPort);
                Progress.Ticker ticker = Progress.ticker();
                awaitInSync(a, target, () -> ticker.maybe(() -> "by hand: " + received(a) + " received"));
                awaitInSync(b, target, () -> ticker.maybe(() -> "by hand: " + received(b) + " received"));
            }
            rawSeconds = (System.nanoTime() - t0) / 1e9;
            m.configSet("repl-diskless-sync-delay", "0");
            m.configSet("repl-diskless-sync-max-replicas", "0");
            m.aclDelUser(RawRedis.SYNC_USER);
        }
        // The hand-made replicas leave the master (keeping their data for the FAILOVER baseline)
        // and finish their post-sync AOF rewrite before RedTrove is measured.
        try (Jedis a = rawA.jedis(); Jedis b = rawB.jedis()) {
            a.replicaofNoOne();
            b.replicaofNoOne();
        }
        awaitQuiet(List.of(masterPort, rawA.port, rawB.port), password);

        Progress.Phase attach = Progress.phase("replication: attach 2 replicas through the API");
        long t0 = System.nanoTime();
        String lastReplica = api.create("{\"instance\":{\"name\":\"bench-replica\",\"replica_of\":\"" + masterId
                + "\",\"replica_count\":2}}").get("id").asString();
        List<String> replicas = api.replicas(masterId);
        Progress.Ticker ticker = Progress.ticker();
        api.awaitActive(Duration.ofMinutes(30), Duration.ofMillis(250), () -> {
            if (ticker.due()) {
                Progress.line("attach: %s", attachProgress(masterId));
            }
        }, replicas.toArray(String[]::new));
        double attachSeconds = (System.nanoTime() - t0) / 1e9;
        attach.close();
        results.put("attach2Replicas", Map.of("redtroveSeconds", round(attachSeconds), "rawSyncSeconds",
                round(rawSeconds), "ratio", Math.round(attachSeconds / rawSeconds * 100) / 100.0, "goalRatio", 1.1,
                "lastReplica", lastReplica));
        row("attach 2 replicas, " + mb(usedBytes) + " (RedTrove API → both ACTIVE)", fmt(attachSeconds, "s"),
                "raw sync by hand " + fmt(rawSeconds, "s") + String.format(" (×%.2f)", attachSeconds / rawSeconds),
                "≤ 1.1 × raw");

        // Promote under a steady write load, then Redis's own FAILOVER on a hand-made pair of the same data.
        List<String> members = new ArrayList<>(List.of(masterId));
        members.addAll(replicas);
        try (var phase = Progress.phase("replication: " + rounds + " promotes under a write load")) {
            promote(members, password, rounds);
        }
        try (Jedis a = rawA.jedis(); Jedis b = rawB.jedis()) {
            long target = Long.parseLong(info(a, "replication", "master_repl_offset"));
            b.replicaof("127.0.0.1", rawA.port);
            awaitInSync(b, target);
        }
        awaitQuiet(List.of(rawA.port, rawB.port), password);
        try (var phase = Progress.phase("replication: " + rounds + " Redis FAILOVERs by hand, the same load")) {
            failover(rawA, rawB, password, rounds);
        }
        rawA.close();
        rawB.close();
        try (var phase = Progress.phase("replication: eject a SIGSTOPped master")) {
            eject(members, password);
        }
    }

    private void promote(List<String> members, String password, int rounds) throws Exception {
        List<WriteLoad.Member> endpoints = new ArrayList<>();
        for (String id : members) {
            endpoints.add(new WriteLoad.Member("127.0.0.1", api.show(id).get("port").asInt(), password));
        }
        List<Integer> memberPorts = endpoints.stream().map(WriteLoad.Member::port).toList();
        awaitQuiet(memberPorts, password);
        long fullSyncsBefore = fullSyncs(endpoints);
        List<Double> gaps = new ArrayList<>();
        List<Double> jobPauses = new ArrayList<>();
        String master = members.get(0);
        try (WriteLoad load = new WriteLoad(endpoints)) {
            for (int i = 0; i < rounds; i++) {
                awaitQuiet(memberPorts, password);
                Thread.sleep(500);
                String candidate = api.replicas(master).get(i % 2);
                load.openWindow();
                var r = api.call("POST", "/instances/" + candidate + "/action", "{\"promote_to_replica_source\":{}}");
                if (r.status() != 202) {
                    throw new IllegalStateException("promote refused: " + r.status() + " " + r.body());
                }
                awaitRole(candidate, true);
                Thread.sleep(300);
                gaps.add(load.maxGapMillis());
                Progress.line("promote: round %d of %d: longest write gap %.1f ms", i + 1, rounds, load.maxGapMillis());
                JsonNode job = api.call("GET", "/instances/" + candidate + "/jobs", null).body().get("jobs").get(0);
                JsonNode pause = job.get("progress").get("writePauseMillis");
                if (pause != null) {
                    jobPauses.add(pause.asDouble());
                }
                master = candidate;
            }
            int finalPort = api.show(master).get("port").asInt();
            Thread.sleep(300);
            load.close();
            long lost;
            try (Jedis m = jedis(finalPort, password)) {
                lost = load.lost(m);
            }
            long fullSyncs = fullSyncs(endpoints) - fullSyncsBefore;
            results.put("promote", Map.of("rounds", rounds, "maxWriteGapMillis", gaps.stream().map(Benchmarks::round)
                            .toList(), "medianMaxWriteGapMillis", round(median(gaps)), "jobPauseMillis", jobPauses,
                    "ackedWrites", load.ackedCount(), "lostAckedWrites", lost, "fullSyncsDuringPromotes", fullSyncs,
                    "goal", "median gap ≤ 100 ms, 0 lost"));
            row("promote: longest write gap (median of " + rounds + ")", fmt(median(gaps), "ms"),
                    "lost " + lost + " of " + load.ackedCount() + " acked; full syncs " + fullSyncs,
                    "≤ 100 ms, 0 lost");
        }
        members.set(0, master);
    }

    private void failover(RawRedis a, RawRedis b, String password, int rounds) throws Exception {
        List<WriteLoad.Member> endpoints = List.of(new WriteLoad.Member("127.0.0.1", a.port, password),
                new WriteLoad.Member("127.0.0.1", b.port, password));
        List<Double> gaps = new ArrayList<>();
        RawRedis master = a;
        RawRedis replica = b;
        try (WriteLoad load = new WriteLoad(endpoints)) {
            for (int i = 0; i < rounds; i++) {
                awaitQuiet(List.of(a.port, b.port), password);
                Thread.sleep(500);
                try (Jedis r = replica.jedis()) {
                    awaitLinkUp(r);
                }
                load.openWindow();
                try (Jedis m = master.jedis()) {
                    m.sendCommand(redis.clients.jedis.Protocol.Command.FAILOVER, "TIMEOUT", "5000");
                }
                try (Jedis r = replica.jedis()) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (!"master".equals(String.valueOf(r.role().get(0))) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                }
                Thread.sleep(300);
                gaps.add(load.maxGapMillis());
                Progress.line("Redis FAILOVER: round %d of %d: longest write gap %.1f ms", i + 1, rounds,
                        load.maxGapMillis());
                RawRedis t = master;
                master = replica;
                replica = t;
            }
            Thread.sleep(300);
            load.close();
            long lost;
            try (Jedis m = master.jedis()) {
                lost = load.lost(m);
            }
            results.put("redisFailoverBaseline", Map.of("rounds", rounds, "maxWriteGapMillis",
                    gaps.stream().map(Benchmarks::round).toList(), "medianMaxWriteGapMillis", round(median(gaps)),
                    "ackedWrites", load.ackedCount(), "lostAckedWrites", lost));
            row("Redis FAILOVER by hand, same load (median)", fmt(median(gaps), "ms"),
                    "lost " + lost + " of " + load.ackedCount() + " acked", "baseline");
        }
    }

    private void eject(List<String> members, String password) throws Exception {
        String master = members.get(0);
        List<String> replicas = api.replicas(master);
        int masterPort = api.show(master).get("port").asInt();
        List<String> all = new ArrayList<>(replicas);
        all.add(master);
        awaitQuiet(ports(all), password);
        long pid = redisPid(masterPort);
        FaultRunner.signal("STOP", pid);
        long stopped = System.nanoTime();
        try {
            var r = api.call("POST", "/instances/" + master + "/action", "{\"eject_replica_source\":{}}");
            while (r.status() == 400) {
                Thread.sleep(20);
                r = api.call("POST", "/instances/" + master + "/action", "{\"eject_replica_source\":{}}");
            }
            if (r.status() != 202) {
                throw new IllegalStateException("eject refused: " + r.status() + " " + r.body());
            }
            long accepted = System.nanoTime();
            List<Integer> ports = new ArrayList<>();
            for (String id : replicas) {
                ports.add(api.show(id).get("port").asInt());
            }
            double ejectMillis = -1;
            long deadline = accepted + Duration.ofSeconds(60).toNanos();
            List<Jedis> probes = new ArrayList<>();
            for (int port : ports) {
                probes.add(jedis(port, password));
            }
            try {
                outer:
                while (System.nanoTime() < deadline) {
                    for (int i = 0; i < probes.size(); i++) {
                        try {
                            probes.get(i).set("bench:eject", "written");
                            ejectMillis = (System.nanoTime() - accepted) / 1e6;
                            break outer;
                        } catch (redis.clients.jedis.exceptions.JedisConnectionException closed) {
                            // a role change closes the tenants' connections: a client connects again
                            probes.get(i).close();
                            probes.set(i, new Jedis(new redis.clients.jedis.HostAndPort("127.0.0.1", ports.get(i)),
                                    redis.clients.jedis.DefaultJedisClientConfig.builder().password(password)
                                            .timeoutMillis(30_000).build()));
                        } catch (RuntimeException notYet) {
                            // still a read-only replica
                        }
                    }
                    Thread.sleep(1);
                }
            } finally {
                probes.forEach(Jedis::close);
            }
            api.awaitActive(Duration.ofSeconds(60), replicas.toArray(String[]::new));
            JsonNode job = api.call("GET", "/instances/" + master + "/jobs", null).body().get("jobs").get(0);
            results.put("eject", Map.of("requestToWritableMillis", round(ejectMillis),
                    "detectionMillis", round((accepted - stopped) / 1e6), "ranking", job.get("progress").get("ranking"),
                    "goal", "≤ 300 ms"));
            row("eject: request → new master writable", fmt(ejectMillis, "ms"),
                    "failure detected after " + fmt((accepted - stopped) / 1e6, "ms"), "≤ 300 ms");
        } finally {
            FaultRunner.signal("CONT", pid);
        }
    }

    private void awaitRole(String id, boolean master) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode view = api.show(id);
            boolean isMaster = !view.has("replica_of");
            if (isMaster == master && "ACTIVE".equals(view.get("status").asString())) {
                return;
            }
            if ("ERROR".equals(view.get("status").asString())) {
                throw new IllegalStateException("promote failed: " + view);
            }
            Thread.sleep(50); // the write gap is measured by the writer, not by this poll
        }
        throw new IllegalStateException("role of " + id + " did not change");
    }

    private static void fill(Jedis m, int dataMb) {
        Random random = new Random(42);
        byte[] value = new byte[1000];
        long keys = dataMb * 1024L;
        Pipeline p = m.pipelined();
        Progress.Ticker ticker = Progress.ticker();
        for (long k = 0; k < keys; k++) {
            if (k % 1024 == 0) {
                long written = k / 1024;
                ticker.maybe(() -> "loading data: " + written + " of " + dataMb + " MB written");
            }
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) ('a' + random.nextInt(26));
            }
            p.set(("bench:data:" + k).getBytes(), value.clone());
            if (k % 2000 == 1999) {
                p.sync();
                p = m.pipelined();
            }
        }
        p.sync();
    }

    static void awaitInSync(Jedis replica, long target) throws InterruptedException {
        awaitInSync(replica, target, () -> { });
    }

    /** @param meanwhile called between polls (a progress line) */
    static void awaitInSync(Jedis replica, long target, Runnable meanwhile) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            meanwhile.run();
            String info = replica.info("replication");
            if (info.contains("master_link_status:up") && info.contains("master_sync_in_progress:0")
                    && Long.parseLong(field(info, "slave_repl_offset")) >= target) {
                return;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("replica never got in sync");
    }

    /**
     * Waits until none of these servers is saving or rewriting its AOF (a replica rewrites its AOF
     * right after a full sync: a fork and a full write of the data set). Each phase is measured on
     * a quiet machine, so that it is not charged for the previous phase's background work.
     */
    private double awaitQuiet(List<Integer> ports, String password) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            boolean quiet = true;
            for (int port : ports) {
                try (Jedis j = jedis(port, password)) {
                    String p = j.info("persistence");
                    quiet &= p.contains("rdb_bgsave_in_progress:0") && p.contains("aof_rewrite_in_progress:0")
                            && p.contains("aof_rewrite_scheduled:0");
                }
            }
            if (quiet) {
                return (System.nanoTime() - t0) / 1e6;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("background saves did not finish");
    }

    private List<Integer> ports(List<String> ids) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (String id : ids) {
            ports.add(api.show(id).get("port").asInt());
        }
        return ports;
    }

    private static void awaitLinkUp(Jedis replica) throws InterruptedException {
        while (!replica.info("replication").contains("master_link_status:up")) {
            Thread.sleep(5);
        }
    }

    private static long fullSyncs(List<WriteLoad.Member> members) {
        long sum = 0;
        for (WriteLoad.Member m : members) {
            try (Jedis j = jedis(m.port(), m.password())) {
                sum += Long.parseLong(info(j, "stats", "sync_full"));
            }
        }
        return sum;
    }

    private static long redisPid(int port) throws Exception {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("cmdline")).replace('\0', ' ').trim()
                                    .matches("(\\S*/)?redis-server \\S*:" + port + "\\b.*");
                        } catch (Exception e) {
                            return false;
                        }
                    })
                    .map(p -> Long.parseLong(p.getFileName().toString())).findFirst().orElseThrow();
        }
    }

    private static Jedis jedis(int port, String password) {
        Jedis j = new Jedis("127.0.0.1", port, 30_000);
        j.auth(password);
        return j;
    }

    static String info(Jedis j, String section, String key) {
        return field(j.info(section), key);
    }

    private static String field(String info, String key) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        throw new IllegalStateException("no " + key + " in INFO");
    }

    private static String redisVersion() {
        try {
            Process p = new ProcessBuilder("redis-server", "--version").start();
            return new String(p.getInputStream().readAllBytes()).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static void report(List<String[]> table, Map<String, Object> results, Path out) throws Exception {
        if (!table.isEmpty()) {
            System.out.println();
            System.out.printf("%-58s %-12s %-52s %s%n", "measure", "RedTrove", "beside", "goal");
            for (String[] r : table) {
                System.out.printf("%-58s %-12s %-52s %s%n", (Object[]) r);
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, TroveApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
        System.out.println("\nJSON: " + out);
    }

    private void row(String what, String value, String beside, String goal) {
        table.add(new String[] {what, value, beside, goal});
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String fmt(double v, String unit) {
        return String.format("%.1f%s%s", v, unit.isEmpty() ? "" : " ", unit);
    }

    /** What a replica has received of its full sync so far, from its own INFO. */
    private static String received(Jedis replica) {
        String info = replica.info("replication");
        if (!info.contains("master_sync_in_progress:1")) {
            return "all (loaded), catching up";
        }
        return info.contains("master_sync_read_bytes:")
                ? mb(Long.parseLong(field(info, "master_sync_read_bytes"))) : "nothing yet";
    }

    /** The attach job's progress, as the api shows it (GET /instances/{id}/jobs). */
    private String attachProgress(String masterId) throws Exception {
        JsonNode jobs = api.call("GET", "/instances/" + masterId + "/jobs", null).body().get("jobs");
        for (JsonNode job : jobs) {
            if ("ATTACH_REPLICAS".equals(job.get("kind").asString())) {
                JsonNode summary = job.path("progress").path("summary");
                return summary.isMissingNode() ? job.path("state").asString("") + ", no stage yet" : summary.asString();
            }
        }
        return "no attach job yet";
    }

    private static String mb(long bytes) {
        return (bytes / (1024 * 1024)) + " MB";
    }
}
