package org.redtrove.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import tools.jackson.databind.JsonNode;

/**
 * The scale part (README, "Scale"): one dev mode (one guest host) grown to 50, 100, 250 and 500
 * instances, as sets of a master and a replica, measuring at each size what an operator pays:
 * the api's list (p50/p99 of the default page, and of all instances on one page), create → ACTIVE
 * of one more instance, and the cost of heartbeats: the conductor's time recording them (its own
 * timer, from the taskmanager's metrics), the rows PostgreSQL writes per second, and the CPU of the
 * dev-mode JVM (by thread, so that the guest agent's, the conductor's and the api's show apart),
 * of PostgreSQL and of the redis-servers, over a quiet window. Figures, not assertions.
 */
final class ScaleBenchmark {

    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final int WAVE = 25;
    private static final double CLOCK_TICKS = 100.0; // USER_HZ: /proc's CPU times are in 1/100 s

    private final DevModeProcess dev;
    private final TroveApi api;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> masters = new ArrayList<>();
    private final List<String> replicas = new ArrayList<>();
    /** Instances a poll saw ERROR before they were ACTIVE, with the fault shown, since the last level. */
    private final List<String> errorsSeen = new ArrayList<>();
    /** How much of dev mode's output the last level had read, for the lines each level adds. */
    private int outputRead;

    private ScaleBenchmark(DevModeProcess dev, TroveApi api) {
        this.dev = dev;
        this.api = api;
    }

    static Map<String, Object> run(Path jar, Path work, List<Integer> levels, List<String[]> table, Path jsonOut)
            throws Exception {
        Map<String, String> env = new HashMap<>(DevModeProcess.SERVICES_JIT);
        // one tenant with 500 instances: the quotas and rate limits that protect a shared service are lifted
        env.put("REDTROVE_QUOTA_INSTANCES", "-1");
        env.put("REDTROVE_QUOTA_RAM", "-1");
        env.put("REDTROVE_QUOTA_VOLUMES", "-1");
        env.put("REDTROVE_RATE_LIMIT_GET", "0");
        env.put("REDTROVE_RATE_LIMIT_POST", "0");
        env.put("REDTROVE_RATE_LIMIT_DELETE", "0");
        String name = jsonOut.getFileName().toString().replaceFirst("\\.json$", "");
        Path devLog = jsonOut.toAbsolutePath().resolveSibling(name + "-scale-dev-mode.log");
        Map<String, Object> json = new LinkedHashMap<>();
        try (DevModeProcess dev = new DevModeProcess(jar, work.resolve("dev"), List.of(), env)) {
            TroveApi api = new TroveApi(dev.url());
            api.login("admin", dev.adminPassword(), "admin");
            ScaleBenchmark b = new ScaleBenchmark(dev, api);
            List<Map<String, Object>> measured = new ArrayList<>();
            try {
                for (int level : levels) {
                    Progress.line("growing to %d instances", level);
                    double grew = b.growTo(level);
                    Thread.sleep(10_000); // the last attaches' syncs and AOF rewrites settle
                    Map<String, Object> m = b.measure(level);
                    m.put("growSeconds", Benchmarks.round(grew));
                    m.put("shownErrorWhileBuilt", List.copyOf(b.errorsSeen));
                    b.errorsSeen.clear();
                    m.put("selfFencesLogged", b.newLinesContaining("fenced itself"));
                    measured.add(m);
                    Progress.line("%d instances: list p99 %s ms, create → ACTIVE %s ms, heartbeats %s %% of a core",
                            level, m.get("listP99Millis"), m.get("createToActiveMillis"),
                            m.get("heartbeatHandlingPercentOfACore"));
                }
            } finally {
                Files.createDirectories(devLog.getParent());
                Files.write(devLog, dev.output());
            }
            json.put("levels", measured);
            json.put("devModeLog", devLog.toString());
            rows(measured, table);
            System.out.println(markdown(measured));
        }
        return json;
    }

    /**
     * Lines dev mode printed since the last call that contain {@code text}: masters that fenced
     * themselves, when their agent's PINGs to their replicas came too late.
     */
    private long newLinesContaining(String text) {
        List<String> output = dev.output();
        long n = output.subList(Math.min(outputRead, output.size()), output.size()).stream()
                .filter(l -> l.contains(text)).count();
        outputRead = output.size();
        return n;
    }

    /** Creates sets until there are {@code level} instances; returns how long that took, in seconds. */
    private double growTo(int level) throws Exception {
        long t0 = System.nanoTime();
        int sets = level / 2;
        while (masters.size() < sets) {
            List<String> wave = new ArrayList<>();
            for (int i = 0; i < WAVE && masters.size() + wave.size() < sets; i++) {
                String n = String.format("s%03d", masters.size() + wave.size());
                wave.add(api.create("{\"instance\":{\"name\":\"" + n + "\",\"flavorRef\":1}}").get("id").asString());
            }
            awaitActive(wave);
            List<String> waveReplicas = new ArrayList<>();
            for (String master : wave) {
                JsonNode r = api.create("{\"instance\":{\"name\":\"" + api.show(master).get("name").asString()
                        + "-r\",\"replica_of\":\"" + master + "\"}}");
                waveReplicas.add(r.get("id").asString());
            }
            awaitActive(waveReplicas);
            masters.addAll(wave);
            replicas.addAll(waveReplicas);
            Progress.line("%d of %d instances ACTIVE (%.0f s)", 2 * masters.size(), level,
                    (System.nanoTime() - t0) / 1e9);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Polls the list (all on one page) every half second until every one is ACTIVE. An instance
     * shown ERROR on the way is what a user polling would see: counted (and its fault kept), and
     * the run goes on unless it stays ERROR for a minute.
     */
    private void awaitActive(List<String> ids) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Map<String, Long> inError = new HashMap<>();
        while (System.nanoTime() < deadline) {
            Map<String, String> status = new HashMap<>();
            api.call("GET", "/instances?limit=1000", null).body().get("instances")
                    .forEach(i -> status.put(i.get("id").asString(), i.get("status").asString()));
            for (String id : ids) {
                if ("ERROR".equals(status.get(id))) {
                    if (inError.putIfAbsent(id, System.nanoTime()) == null) {
                        JsonNode shown = api.show(id);
                        errorsSeen.add(shown.get("name").asString() + ": " + (shown.has("fault")
                                ? shown.get("fault").get("message").asString() : "ERROR"));
                    } else if (System.nanoTime() - inError.get(id) > Duration.ofMinutes(1).toNanos()) {
                        throw new IllegalStateException(id + " has been ERROR for a minute: " + api.show(id));
                    }
                } else {
                    inError.remove(id);
                }
            }
            if (ids.stream().allMatch(id -> "ACTIVE".equals(status.get(id)))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("not ACTIVE within 10 minutes: " + ids);
    }

    private Map<String, Object> measure(int level) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instances", level);
        heartbeatCost(m);
        List<Double> page = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        for (int i = 0; i < 220; i++) {
            long t0 = System.nanoTime();
            api.call("GET", "/instances", null);
            if (i >= 20) {
                page.add((System.nanoTime() - t0) / 1e6);
            }
        }
        for (int i = 0; i < 55; i++) {
            long t0 = System.nanoTime();
            api.call("GET", "/instances?limit=1000", null);
            if (i >= 5) {
                all.add((System.nanoTime() - t0) / 1e6);
            }
        }
        Distribution p = Distribution.of(page);
        Distribution a = Distribution.of(all);
        m.put("listP50Millis", Benchmarks.round(p.p50Millis()));
        m.put("listP99Millis", Benchmarks.round(p.p99Millis()));
        m.put("listAllOnOnePageP50Millis", Benchmarks.round(a.p50Millis()));
        m.put("listAllOnOnePageP99Millis", Benchmarks.round(a.p99Millis()));
        List<Double> creates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            String id = api.create("{\"instance\":{\"name\":\"probe-" + level + "-" + i + "\",\"flavorRef\":1}}")
                    .get("id").asString();
            api.awaitActive(Duration.ofSeconds(120), id);
            creates.add((System.nanoTime() - t0) / 1e6);
            api.call("DELETE", "/instances/" + id, null);
        }
        m.put("createToActiveMillis", Benchmarks.round(Distribution.of(creates).p50Millis()));
        m.put("createToActiveSamplesMillis", creates.stream().map(Benchmarks::round).toList());
        m.put("devModeRssMib", dev.rssMib());
        return m;
    }

    /**
     * Over a quiet window: the conductor's busy time (its timer's sum), heartbeats and instance
     * reports taken, rows written in PostgreSQL (all tables, and the heartbeats table), and CPU.
     */
    private void heartbeatCost(Map<String, Object> m) throws Exception {
        Map<String, Double> before = scrape();
        Map<String, Long> rowsBefore = rowsWritten();
        Map<String, Long> cpuBefore = cpu();
        long t0 = System.nanoTime();
        Thread.sleep(WINDOW.toMillis());
        Map<String, Double> after = scrape();
        Map<String, Long> rowsAfter = rowsWritten();
        Map<String, Long> cpuAfter = cpu();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double busy = delta(after, before, "redtrove_heartbeat_handling_seconds_sum") / seconds;
        m.put("heartbeatHandlingPercentOfACore", Benchmarks.round(100 * busy));
        m.put("heartbeatsPerSecond", Benchmarks.round(delta(after, before, "redtrove_heartbeat_handling_seconds_count")
                / seconds));
        m.put("instanceReportsPerSecond", Benchmarks.round(delta(after, before, "redtrove_heartbeat_instances_sum")
                / seconds));
        m.put("rowsWrittenPerSecond", Benchmarks.round((rowsAfter.get("all") - rowsBefore.get("all")) / seconds));
        m.put("heartbeatRowsWrittenPerSecond", Benchmarks.round((rowsAfter.get("heartbeats")
                - rowsBefore.get("heartbeats")) / seconds));
        m.put("transactionsPerSecond", Benchmarks.round((rowsAfter.get("xact") - rowsBefore.get("xact")) / seconds));
        Map<String, Object> cores = new LinkedHashMap<>();
        cpuAfter.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L))
                        / CLOCK_TICKS / seconds))
                .filter(e -> e.getValue() >= 0.005 || !e.getKey().startsWith("thread "))
                .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .forEach(e -> cores.put(e.getKey(), Benchmarks.round(100 * e.getValue())));
        m.put("cpuPercentOfACore", cores);
    }

    private static double delta(Map<String, Double> after, Map<String, Double> before, String name) {
        return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
    }

    /** The taskmanager's metrics (every series of a name summed), at the URL dev mode printed. */
    private Map<String, Double> scrape() throws Exception {
        String url = dev.output().stream().filter(l -> l.startsWith("Metrics (Authorization"))
                .map(l -> l.replaceFirst(".* taskmanager (http\\S+),.*", "$1")).findFirst()
                .orElseThrow(() -> new IllegalStateException("dev mode printed no metrics line"));
        String token = Files.readString(dev.dataDir.resolve("metrics-token")).trim();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Double> sums = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String metric = line.replaceFirst("[{ ].*", "");
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            sums.merge(metric, value, Double::sum);
        }
        return sums;
    }

    /** PostgreSQL's own counters of rows inserted, updated and deleted, and of transactions. */
    private Map<String, Long> rowsWritten() throws Exception {
        List<String> pid = Files.readAllLines(dev.dataDir.resolve("postgres").resolve("postmaster.pid"));
        Properties login = new Properties();
        login.setProperty("user", "postgres");
        login.setProperty("password", Files.readString(dev.dataDir.resolve("db-password")).trim());
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pid.get(3).trim()
                + "/redtrove", login); Statement s = c.createStatement()) {
            s.execute("select pg_stat_force_next_flush()");
            Map<String, Long> rows = new HashMap<>();
            try (ResultSet r = s.executeQuery("""
                    select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0),
                           coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) filter (where relname = 'heartbeats'), 0)
                      from pg_stat_user_tables""")) {
                r.next();
                rows.put("all", r.getLong(1));
                rows.put("heartbeats", r.getLong(2));
            }
            try (ResultSet r = s.executeQuery(
                    "select xact_commit + xact_rollback from pg_stat_database where datname = 'redtrove'")) {
                r.next();
                rows.put("xact", r.getLong(1));
            }
            return rows;
        }
    }

    /**
     * CPU ticks so far: the dev-mode JVM as a whole and by thread name (pool numbers folded), its
     * PostgreSQL (the postmaster and its children) and its redis-servers (working directory in the
     * data dir).
     */
    private Map<String, Long> cpu() throws Exception {
        Map<String, Long> ticks = new HashMap<>();
        long jvm = dev.process.pid();
        ticks.put("dev-mode JVM", ticks(Path.of("/proc", Long.toString(jvm), "stat")));
        try (var threads = Files.list(Path.of("/proc", Long.toString(jvm), "task"))) {
            for (Path t : threads.toList()) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim().replaceAll("[-#]?\\d+$", "");
                    ticks.merge("thread " + name, ticks(t.resolve("stat")), Long::sum);
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        long postmaster = Long.parseLong(Files.readAllLines(dev.dataDir.resolve("postgres").resolve("postmaster.pid"))
                .get(0).trim());
        Path dataDir = dev.dataDir.toAbsolutePath().normalize();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(p.getFileName().toString());
                    long ppid = Long.parseLong(f[1]);
                    long used = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    if (pid == postmaster || ppid == postmaster) {
                        ticks.merge("PostgreSQL", used, Long::sum);
                    } else if (stat.contains("(redis-server)")
                            && Files.readSymbolicLink(p.resolve("cwd")).startsWith(dataDir)) {
                        ticks.merge("redis-servers", used, Long::sum);
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // ended meanwhile, or not ours to read
                }
            }
        }
        return ticks;
    }

    private static long ticks(Path stat) throws java.io.IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static void rows(List<Map<String, Object>> measured, List<String[]> table) {
        if (measured.isEmpty()) {
            return;
        }
        Map<String, Object> first = measured.get(0);
        Map<String, Object> last = measured.get(measured.size() - 1);
        int n = (int) last.get("instances");
        table.add(new String[] {"api list, default page, p50 / p99 with " + n + " instances",
                last.get("listP50Millis") + " / " + last.get("listP99Millis") + " ms",
                "with " + first.get("instances") + ": " + first.get("listP50Millis") + " / " + first.get("listP99Millis")
                        + " ms", "p99 ≤ 50 ms"});
        table.add(new String[] {"heartbeat handling with " + n + " instances (conductor busy time)",
                last.get("heartbeatHandlingPercentOfACore") + " % of a core",
                "with " + first.get("instances") + ": " + first.get("heartbeatHandlingPercentOfACore") + " %",
                "≤ 5 % of a core"});
        table.add(new String[] {"create → ACTIVE while " + n + " run (median of 5)", last.get("createToActiveMillis")
                + " ms", "with " + first.get("instances") + ": " + first.get("createToActiveMillis") + " ms", "flat"});
    }

    static String markdown(List<Map<String, Object>> measured) {
        StringBuilder b = new StringBuilder("| instances | list p50 / p99 (page of 100) | all on one page p50 / p99 "
                + "| create → ACTIVE | heartbeat handling | heartbeats/s | rows written/s (heartbeats) | CPU: dev-mode JVM "
                + "| PostgreSQL | redis-servers | shown ERROR while built | self-fences |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> m : measured) {
            @SuppressWarnings("unchecked")
            Map<String, Object> cpu = (Map<String, Object>) m.get("cpuPercentOfACore");
            b.append("| ").append(m.get("instances"))
                    .append(" | ").append(m.get("listP50Millis")).append(" / ").append(m.get("listP99Millis")).append(" ms")
                    .append(" | ").append(m.get("listAllOnOnePageP50Millis")).append(" / ")
                    .append(m.get("listAllOnOnePageP99Millis")).append(" ms")
                    .append(" | ").append(m.get("createToActiveMillis")).append(" ms")
                    .append(" | ").append(m.get("heartbeatHandlingPercentOfACore")).append(" % of a core")
                    .append(" | ").append(m.get("heartbeatsPerSecond"))
                    .append(" | ").append(m.get("rowsWrittenPerSecond")).append(" (")
                    .append(m.get("heartbeatRowsWrittenPerSecond")).append(")")
                    .append(" | ").append(cpu.get("dev-mode JVM")).append(" %")
                    .append(" | ").append(cpu.get("PostgreSQL")).append(" %")
                    .append(" | ").append(cpu.get("redis-servers")).append(" %")
                    .append(" | ").append(((List<?>) m.get("shownErrorWhileBuilt")).size())
                    .append(" | ").append(m.get("selfFencesLogged")).append(" |\n");
        }
        return b.toString();
    }
}
