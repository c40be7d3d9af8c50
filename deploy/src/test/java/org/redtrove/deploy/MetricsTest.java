package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * Metrics scraped the way Prometheus scrapes them, from the three processes of a dev mode with
 * three hosts: only with the token, and with figures that move when what they count happens: jobs
 * and guest calls when a set is built, a replica's lag while its redis-server is stopped, a
 * failover when the master's process is killed, a replication task's applied records. The
 * Grafana dashboard and the alert rules in deploy/monitoring name only metrics served here.
 */
class MetricsTest {

    private static final Duration BUILD = Duration.ofSeconds(90);

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;
    static final List<ConfigurableApplicationContext> extraHosts = new ArrayList<>();

    @BeforeAll
    static void startThreeHosts() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19700-19749")
                .withProperties("redtrove.failover.block-period=2s"));
        extraHosts.add(stack.startExtraGuestAgent("metrics-b", "19750-19799", false));
        extraHosts.add(stack.startExtraGuestAgent("metrics-c", "19800-19849", false));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        await("three hosts heartbeating", () -> scrape(stack.taskmanagerMetricsUrl())
                .all("redtrove_heartbeats_received_total").size() >= 3, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
            for (String host : List.of("metrics-b", "metrics-c")) {
                RedisProcesses.killInstancesOf(stack.extraGuestDataDir(host));
            }
        }
    }

    @Test
    void everyProcessServesMetricsOnlyToTheTokenOrAnAdmin() throws Exception {
        List<String> urls = List.of(stack.apiMetricsUrl(), stack.taskmanagerMetricsUrl(), stack.guestMetricsUrl());
        for (String url : urls) {
            assertThat(Scrape.status(url)).as(url + " without a token").isEqualTo(401);
            assertThat(Scrape.status(url, "Authorization", "Bearer not-the-token")).as(url).isEqualTo(401);
            assertThat(Scrape.status(url, "Authorization", "Bearer " + stack.metricsToken())).as(url).isEqualTo(200);
        }
        assertThat(Scrape.status(stack.apiMetricsUrl(), "X-Auth-Token", trove.token())).as("an admin's token")
                .isEqualTo(200);
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("metrics-token"))).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Scrape api = scrape(stack.apiMetricsUrl());
        assertThat(api.names("redtrove_outbox_depth")).isTrue();
        assertThat(api.names("redtrove_outbox_oldest_age_seconds")).isTrue();
        assertThat(api.names("http_server_requests_seconds_count")).isTrue();
        Scrape taskmanager = scrape(stack.taskmanagerMetricsUrl());
        assertThat(taskmanager.sum("redtrove_replica_sets", "situation", "HEALTHY")).isGreaterThanOrEqualTo(0);
        assertThat(taskmanager.names("jvm_memory_used_bytes")).isTrue();
        assertThat(taskmanager.names("process_cpu_usage")).isTrue();
    }

    @Test
    void jobsGuestCallsReplicaLagAndAFailoverMoveTheirFigures() throws Exception {
        Scrape before = scrape(stack.taskmanagerMetricsUrl());

        // a set: a CREATE, then an ATTACH_REPLICAS, each calling guests
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"metered\",\"flavorRef\":\"1\",\"volume\":{\"size\":1}}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        String master = reply.json().get("instance").get("id").asString();
        trove.awaitStatus(master, BUILD, "ACTIVE");
        var replicas = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"metered-r\",\"replica_of\":\""
                + master + "\",\"replica_count\":2}}");
        assertThat(replicas.status()).as(replicas.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        probe.view(master).get("replicas").forEach(r -> ids.add(r.get("id").asString()));
        for (String id : ids) {
            trove.awaitStatus(id, BUILD, "ACTIVE");
        }
        // the attach job records its outcome a moment after its last replica is ACTIVE
        await("the attach job's run counted", () -> scrape(stack.taskmanagerMetricsUrl())
                .sum("redtrove_job_runs_seconds_count", "kind", "ATTACH_REPLICAS", "outcome", "succeeded")
                > before.sum("redtrove_job_runs_seconds_count", "kind", "ATTACH_REPLICAS", "outcome", "succeeded"),
                Duration.ofSeconds(10));
        Scrape built = scrape(stack.taskmanagerMetricsUrl());
        assertThat(built.sum("redtrove_job_runs_seconds_count", "kind", "CREATE", "outcome", "succeeded")
                - before.sum("redtrove_job_runs_seconds_count", "kind", "CREATE", "outcome", "succeeded"))
                .isGreaterThanOrEqualTo(1);
        assertThat(built.sum("redtrove_job_runs_seconds_count", "kind", "ATTACH_REPLICAS", "outcome", "succeeded")
                - before.sum("redtrove_job_runs_seconds_count", "kind", "ATTACH_REPLICAS", "outcome", "succeeded"))
                .isEqualTo(1);
        assertThat(built.sum("redtrove_guest_rpc_seconds_count", "request", "Prepare", "outcome", "ok")
                - before.sum("redtrove_guest_rpc_seconds_count", "request", "Prepare", "outcome", "ok"))
                .isGreaterThanOrEqualTo(3);

        // each instance, on the guest agent of its host, labelled by id, set and role
        try (Jedis tenant = probe.tenant(master)) {
            tenant.set("metered", "x".repeat(100_000));
        }
        String set = stack.taskmanager().getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                .sql("select cast(replica_set_id as text) from instances where id = cast(? as uuid)").param(master)
                .query(String.class).single();
        String setName = probe.view(master).get("replica_set").get("name").asString();
        await("every member's figures on its host's guest agent", () -> {
            Scrape guests = guests();
            return guests.all("redtrove_instance_memory_used_bytes", "instance_id", master, "set", set,
                    "role", "master").stream().anyMatch(s -> s.value() > 100_000)
                    && guests.all("redtrove_instance_memory_limit_bytes", "instance_id", master).stream()
                    .anyMatch(s -> s.value() > 0)
                    && ids.stream().allMatch(id -> guests.sum("redtrove_instance_replication_link_up", "instance_id",
                    id, "role", "replica") == 1);
        }, Duration.ofSeconds(20));
        String guestText = String.join("\n", guests().samples().stream().map(Object::toString).toList());
        assertThat(guestText).doesNotContain(probe.password(master));

        // a lagging replica: stopped, it acknowledges nothing, and its lag grows; resumed, it catches up
        String lagging = ids.get(0);
        long pid = Long.parseLong(Files.readString(AgentAccess.instanceDir(guestDirOf(lagging), lagging)
                .resolve("redis.pid")).trim());
        signal("STOP", pid);
        try {
            await("the stopped replica's lag over 2 s", () -> scrape(stack.taskmanagerMetricsUrl())
                    .sum("redtrove_replica_lag_seconds", "instance_id", lagging) >= 2, Duration.ofSeconds(20));
        } finally {
            signal("CONT", pid);
        }
        await("the resumed replica's lag back under 2 s", () -> {
            Scrape now = scrape(stack.taskmanagerMetricsUrl());
            return !now.all("redtrove_replica_lag_seconds", "instance_id", lagging).isEmpty()
                    && now.sum("redtrove_replica_lag_seconds", "instance_id", lagging) < 2;
        }, Duration.ofSeconds(30));
        await("the set healthy again", () -> "HEALTHY".equals(trove.trove("GET", "/replica-sets/" + setName, null)
                .json().get("replica_set").get("situation").asString()), Duration.ofSeconds(30));

        // a failover: the master's process killed
        Scrape beforeFailover = scrape(stack.taskmanagerMetricsUrl());
        long masterPid = Long.parseLong(Files.readString(AgentAccess.instanceDir(guestDirOf(master), master)
                .resolve("redis.pid")).trim());
        signal("KILL", masterPid);
        JsonNode eject = probe.awaitJob(master, "EJECT", Duration.ofSeconds(30));
        assertThat(eject.get("state").asString()).as(eject.toString()).isEqualTo("SUCCEEDED");
        await("the failover counted", () -> {
            Scrape now = scrape(stack.taskmanagerMetricsUrl());
            return now.sum("redtrove_failovers_total", "situation", "MASTER_PROCESS_EXITED")
                    - beforeFailover.sum("redtrove_failovers_total", "situation", "MASTER_PROCESS_EXITED") == 1
                    && now.sum("redtrove_job_runs_seconds_count", "kind", "EJECT", "outcome", "succeeded")
                    - beforeFailover.sum("redtrove_job_runs_seconds_count", "kind", "EJECT", "outcome", "succeeded")
                    == 1;
        }, Duration.ofSeconds(10));

        // a replication task from the set to another instance: its figures on the guest running it
        var dst = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"metered-dst\",\"flavorRef\":\"1\"}}");
        String dstId = dst.json().get("instance").get("id").asString();
        trove.awaitStatus(dstId, BUILD, "ACTIVE");
        String newMaster = ids.stream().filter(id -> !probe.view(id).has("replica_of")).findFirst().orElseThrow();
        var task = trove.trove("POST", "/replications/metered-task", """
                {"src_instance": "%s", "dst_instance": "%s", "entries": ["m-*"]}""".formatted(newMaster, dstId));
        assertThat(task.status()).as(task.body()).isEqualTo(200);
        await("the task's applied records counted", () -> {
            try (Jedis tenant = probe.tenant(newMaster)) {
                tenant.set("m-" + System.nanoTime(), "v");
            } catch (RuntimeException e) {
                // fenced until the old master has rejoined as a replica: written on the next round
            }
            return guests().sum("redtrove_task_ok") > 0;
        }, Duration.ofSeconds(30));

        // every metric the dashboard and the alert rules name is one these processes serve
        List<String> served = new ArrayList<>();
        for (String url : List.of(stack.apiMetricsUrl(), stack.taskmanagerMetricsUrl())) {
            scrape(url).samples().forEach(s -> served.add(s.name()));
        }
        guests().samples().forEach(s -> served.add(s.name()));
        for (Path file : List.of(Path.of("monitoring", "grafana-dashboard.json"),
                Path.of("monitoring", "alert-rules.yml"))) {
            List<String> named = metricsNamedIn(Files.readString(file));
            assertThat(named).as(file + " names metrics").isNotEmpty();
            for (String metric : named) {
                assertThat(served).as(file + " names " + metric + ", which no process serves").contains(metric);
            }
        }

        trove.trove("DELETE", "/replications/metered-task", null);
        for (String id : ids) {
            trove.trove("DELETE", "/instances/" + id, null);
        }
        trove.trove("DELETE", "/instances/" + master, null);
        trove.trove("DELETE", "/instances/" + dstId, null);
    }

    /** Every alert rule is well formed and points at a runbook section that exists. */
    @Test
    void everyAlertRuleHasAnExpressionAndARunbookSectionThatExists() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, List<Map<String, Object>>> rules = new org.yaml.snakeyaml.Yaml()
                .load(Files.readString(Path.of("monitoring", "alert-rules.yml")));
        List<String> sections = new ArrayList<>();
        for (Path runbook : List.of(Path.of("runbooks", "failure-situations.md"), Path.of("runbooks", "reading-metrics.md"))) {
            for (String line : Files.readAllLines(runbook)) {
                if (line.startsWith("#")) {
                    sections.add(runbook.getFileName() + "#" + line.replaceFirst("^#+\\s*", "").toLowerCase()
                            .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
                }
            }
        }
        int alerts = 0;
        for (Map<String, Object> group : rules.get("groups")) {
            for (Object o : (List<?>) group.get("rules")) {
                Map<?, ?> rule = (Map<?, ?>) o;
                assertThat(rule.get("alert")).as(rule.toString()).isNotNull();
                assertThat(String.valueOf(rule.get("expr"))).as(rule.toString()).isNotBlank();
                String runbook = String.valueOf(((Map<?, ?>) rule.get("annotations")).get("runbook"));
                assertThat(sections).as(rule.get("alert") + "'s runbook").contains(runbook.replace("deploy/runbooks/", ""));
                alerts++;
            }
        }
        assertThat(alerts).isGreaterThan(10);
        assertThat(tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(Files.readString(Path.of("monitoring", "grafana-dashboard.json"))).get("panels").size())
                .isGreaterThan(10);
    }

    private static final java.util.regex.Pattern METRIC = java.util.regex.Pattern.compile(
            "\\b((?:redtrove|process|jvm|http_server|hikaricp|rabbitmq)_[a-z0-9_]+)");

    /** The metric names a dashboard's queries or an alert rule's expressions use. */
    static List<String> metricsNamedIn(String text) {
        List<String> names = new ArrayList<>();
        java.util.regex.Matcher m = METRIC.matcher(text);
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static Scrape guests() throws Exception {
        List<Scrape.Sample> all = new ArrayList<>();
        all.addAll(scrape(stack.guestMetricsUrl()).samples());
        for (ConfigurableApplicationContext host : extraHosts) {
            all.addAll(scrape(DevStack.metricsUrl(host)).samples());
        }
        StringBuilder text = new StringBuilder();
        for (Scrape.Sample s : all) {
            text.append(s.name()).append('{');
            s.labels().forEach((k, v) -> text.append(k).append("=\"").append(v).append("\","));
            text.append("} ").append(s.value()).append('\n');
        }
        return Scrape.parse(text.toString());
    }

    private static Path guestDirOf(String id) {
        for (Path dir : List.of(stack.dataDir().resolve("guest"), stack.extraGuestDataDir("metrics-b"),
                stack.extraGuestDataDir("metrics-c"))) {
            if (Files.isDirectory(AgentAccess.instanceDir(dir, id))) {
                return dir;
            }
        }
        throw new IllegalStateException("no host holds " + id);
    }

    private static Scrape scrape(String url) throws Exception {
        return Scrape.of(url, stack.metricsToken());
    }

    private static void signal(String name, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            assertThat(System.nanoTime()).as("waited for " + what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
