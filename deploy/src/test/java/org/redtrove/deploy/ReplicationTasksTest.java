package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import org.redtrove.guestagent.redis.RedisBinary;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import tools.jackson.databind.JsonNode;

/**
 * Replication tasks end to end, through the api, the taskmanager and the guest agents, on real
 * redis-servers: what the filters let through arrives, nothing else does, a target that is away
 * gets every record exactly once when it is back, and a task follows its set through a promote
 * and an automatic failover without losing or repeating a record.
 */
class ReplicationTasksTest {

    private static final Duration BUILD = Duration.ofSeconds(90);
    private static final Duration ARRIVE = Duration.ofSeconds(20);

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;
    static TenantSets sets;
    static final Map<String, ConfigurableApplicationContext> hosts = new HashMap<>();

    private final List<String> created = new ArrayList<>();
    private final List<String> tasks = new ArrayList<>();
    private final List<Process> outside = new ArrayList<>();

    @BeforeAll
    static void startStack() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19700-19799")
                .withProperties("redtrove.failover.block-period=2s"));
        hosts.put("host-b", stack.startExtraGuestAgent("host-b", "19800-19899", false));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        sets = new TenantSets(trove, BUILD);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
        // host-b keeps its Redis when its agent stops, as a crashed one would.
        RedisProcesses.killInstancesOf(stack.extraGuestDataDir("host-b"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String name : tasks) {
            trove.trove("DELETE", "/replications/" + name, null);
        }
        for (String id : created) {
            JsonNode view = probe.view(id);
            if (view != null && view.has("replicas")) {
                for (JsonNode r : view.get("replicas")) {
                    trove.trove("DELETE", "/instances/" + r.get("id").asString(), null);
                }
            }
        }
        for (String id : created) {
            trove.trove("DELETE", "/instances/" + id, null);
        }
        for (Process p : outside) {
            p.destroyForcibly().waitFor();
        }
    }

    private String instance(String name) throws Exception {
        String id = sets.createActive(name);
        created.add(id);
        return id;
    }

    private JsonNode createTask(String name, String body) throws Exception {
        var reply = trove.trove("POST", "/replications/" + name, body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        tasks.add(name);
        return reply.json();
    }

    private JsonNode task(String name) throws Exception {
        var reply = trove.trove("GET", "/replications/" + name, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private void awaitActive(String name, boolean active) throws Exception {
        await("task " + name + " active=" + active, Duration.ofSeconds(30),
                () -> task(name).get("info").get("is_active").asBoolean() == active);
    }

    @Test
    void theSeedsSensorExampleArrivesFilteredAndTheDiagnosticsCountIt() throws Exception {
        String src = instance("sensors");
        String dst = instance("sensors-copy");
        createTask("sensors", """
                {"src_instance": "sensors", "dst_instance": "%s", "entries": ["sensor-*"],
                 "include": {"engine_status": "working"}, "exclude": {"sensor_status": "corrupted"}}"""
                .formatted(dst));
        awaitActive("sensors", true);
        try (Jedis source = probe.tenant(src)) {
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "working", "sensor_status", "ok"));
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "idle", "sensor_status", "ok"));
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY,
                    Map.of("engine_status", "working", "sensor_status", "corrupted"));
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "working", "sensor_status", "good"));
            source.xadd("motor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "working"));
        }
        try (Jedis target = probe.tenant(dst)) {
            await("two readings on the target", ARRIVE, () -> target.exists("sensor-1") && target.xlen("sensor-1") == 2);
            assertThat(target.xrange("sensor-1", "-", "+")).extracting(e -> e.getFields().get("sensor_status"))
                    .containsExactly("ok", "good");
            assertThat(target.exists("motor-1")).isFalse();
        }
        await("the diagnostics count both", ARRIVE,
                () -> List.of(120L, 60L).contains(task("sensors").get("diagnostics").get("hourly").get("ok").asLong()));
        JsonNode shown = task("sensors");
        assertThat(shown.get("info").get("pending_records").asLong()).isZero();
        assertThat(shown.get("settings").get("src_instance").asString()).isEqualTo(src);
    }

    @Test
    void aRedisOutsideRedTroveThatIsAwayGetsEveryRecordExactlyOnceWhenBack() throws Exception {
        String src = instance("outbound");
        int port = freePort();
        Process target = startRedis(port, "outside-pw");
        createTask("outbound", """
                {"src_instance": "%s", "dst_host": "redis://127.0.0.1:%d/2", "dst_password": "outside-pw"}"""
                .formatted(src, port));
        awaitActive("outbound", true);
        try (Jedis source = probe.tenant(src)) {
            for (int i = 0; i < 200; i++) {
                source.rpush("log", Integer.toString(i));
            }
            RedisProcesses.signal("STOP", target.pid());
            for (int i = 200; i < 400; i++) {
                source.rpush("log", Integer.toString(i));
            }
        }
        awaitActive("outbound", false);
        await("records pending while the target is away", ARRIVE,
                () -> task("outbound").get("info").get("pending_records").asLong() > 0);
        JsonNode down = task("outbound");
        assertThat(down.get("diagnostics").get("hourly").get("errors").has("CONNECTION")).as(down.toString()).isTrue();
        RedisProcesses.signal("CONT", target.pid());
        try (Jedis outsideRedis = outside(port, "outside-pw", 2)) {
            await("all 400 in database 2", Duration.ofSeconds(40), () -> outsideRedis.llen("log") >= 400);
            Thread.sleep(500);
            List<String> got = outsideRedis.lrange("log", 0, -1);
            assertThat(got).hasSize(400);
            for (int i = 0; i < 400; i++) {
                assertThat(got.get(i)).isEqualTo(Integer.toString(i));
            }
        }
        // Paused: logged, not sent; resumed: sent.
        assertThat(trove.trove("PATCH", "/replications/outbound/mode", "{\"mode\": \"paused\"}").status())
                .isEqualTo(200);
        Thread.sleep(2500); // the dispatcher's round and the agent's restart of the task
        try (Jedis source = probe.tenant(src)) {
            source.set("while-paused", "x");
        }
        await("pending while paused", ARRIVE, () -> task("outbound").get("info").get("pending_records").asLong() == 1);
        try (Jedis outsideRedis = outside(port, "outside-pw", 2)) {
            assertThat(outsideRedis.exists("while-paused")).isFalse();
            assertThat(trove.trove("PATCH", "/replications/outbound/mode", "{\"mode\": \"enabled\"}").status())
                    .isEqualTo(200);
            await("sent once enabled", ARRIVE, () -> outsideRedis.exists("while-paused"));
        }
        // Deleted: it stops.
        assertThat(trove.trove("DELETE", "/replications/outbound", null).status()).isEqualTo(204);
        tasks.remove("outbound");
        Thread.sleep(2500);
        try (Jedis source = probe.tenant(src)) {
            source.set("after-delete", "x");
        }
        Thread.sleep(1500);
        try (Jedis outsideRedis = outside(port, "outside-pw", 2)) {
            assertThat(outsideRedis.exists("after-delete")).isFalse();
        }
    }

    @Test
    void aTaskFollowsAPromoteAndAFailoverWithoutLosingOrRepeatingARecord() throws Exception {
        String master = instance("followed");
        List<String> replicas = sets.createReplicas(master, "followed-r", 2);
        // The set's own replication, member by member, as the diagnostics route shows it.
        String setName = probe.view(master).get("replica_set").get("name").asString();
        await("both replicas shown in sync", ARRIVE, () -> {
            JsonNode members = trove.trove("GET", "/replica-sets/" + setName + "/replication", null).json()
                    .get("replication").get("members");
            int inSync = 0;
            for (JsonNode m : members) {
                if (m.get("role").asString().equals("replica") && m.get("link").asString().equals("up")
                        && m.get("sync_completed").asBoolean() && m.get("bytes_behind").asLong() == 0) {
                    inSync++;
                }
            }
            return members.size() == 3 && inSync == 2;
        });
        JsonNode shownMaster = trove.trove("GET", "/replica-sets/" + setName + "/replication", null).json()
                .get("replication").get("members").get(0);
        assertThat(shownMaster.get("role").asString()).isEqualTo("master");
        assertThat(shownMaster.get("syncs_served").get("full").asLong()).isGreaterThanOrEqualTo(2);
        String dst = instance("followed-copy");
        createTask("followed", """
                {"src_instance": "%s", "dst_instance": "%s", "entries": ["log"]}""".formatted(master, dst));
        awaitActive("followed", true);
        JsonNode info = task("followed").get("info");
        int next = 0;
        try (Jedis source = probe.tenant(master)) {
            for (; next < 100; next++) {
                source.rpush("log", Integer.toString(next));
            }
        }
        // A promote: the old master becomes a replica, the task keeps reading the set.
        String promoted = replicas.get(0);
        var reply = trove.trove("POST", "/instances/" + promoted + "/action", "{\"promote_to_replica_source\":{}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        probe.awaitJob(promoted, "PROMOTE", BUILD);
        try (Jedis source = probe.tenant(promoted)) {
            for (; next < 200; next++) {
                source.rpush("log", Integer.toString(next));
            }
        }
        try (Jedis target = probe.tenant(dst)) {
            await("200 after the promote", ARRIVE, () -> target.llen("log") >= 200);
        }
        // A failover: the new master's redis-server is killed; the set fails over to a replica.
        long pid = RedisProcesses.serving(probe.port(promoted)).get(0);
        RedisProcesses.signal("KILL", pid);
        String[] newMaster = new String[1];
        await("a failover", Duration.ofSeconds(40), () -> {
            for (String id : List.of(master, replicas.get(1))) {
                JsonNode v = probe.view(id);
                if (v != null && !v.has("replica_of") && "master".equals(probe.role(id))) {
                    newMaster[0] = id;
                    return true;
                }
            }
            return false;
        });
        try (Jedis source = probe.tenant(newMaster[0])) {
            for (; next < 300; next++) {
                SetProbe.setWhenTaken(source, "probe", "x");
                source.rpush("log", Integer.toString(next));
            }
        }
        try (Jedis source = probe.tenant(newMaster[0]); Jedis target = probe.tenant(dst)) {
            List<String> expected = source.lrange("log", 0, -1);
            try {
                await("the target holds what the set holds", ARRIVE, () -> target.llen("log") >= expected.size());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + target.llen("log") + " of " + expected.size()
                        + "; the task: " + trove.trove("GET", "/replications/followed", null).body(), e);
            }
            Thread.sleep(1000);
            assertThat(target.lrange("log", 0, -1)).as("no record lost or repeated").isEqualTo(expected);
            assertThat(expected).hasSize(300);
        }
        assertThat(info.get("name").asString()).isEqualTo("followed");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    interface Check {
        boolean holds() throws Exception;
    }

    static void await(String what, Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
    }

    private Process startRedis(int port, String password) throws Exception {
        Path dir = Files.createTempDirectory(dataDir, "outside");
        RedisBinary binary = RedisBinary.locate("", dataDir);
        Process p = new ProcessBuilder(binary.path().toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        outside.add(p);
        await("the outside redis", Duration.ofSeconds(10), () -> {
            try (Jedis j = outside(port, password, 0)) {
                return "PONG".equals(j.ping());
            }
        });
        return p;
    }

    private static Jedis outside(int port, String password, int db) {
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().password(password)
                .database(db).build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
