package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import tools.jackson.databind.JsonNode;

/**
 * A replication task whose guest agent is killed with SIGKILL in the middle of a write load, as
 * separate processes of the packaged jar: the agent comes back on the same data dir, finds the
 * task's log and position there, and the target ends up holding exactly what the source holds,
 * record for record, none lost and none twice (the api is killed too, for good measure). A copy
 * whose agent and taskmanager are killed with SIGKILL halfway: it ends with every key copied once.
 * And provisioning from the environment through api restarts.
 */
class ReplicationTaskCrashIT {

    private static final Duration BUILD = Duration.ofSeconds(120);

    @TempDir
    static Path work;
    static ProcessStack stack;
    static TroveHttp trove;

    @BeforeAll
    static void start() throws Exception {
        stack = ProcessStack.start(work, List.of("host-a", "host-b"));
        trove = stack.login();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aKilledProcessUnderLoadLosesNoRecordAndRepeatsNone() throws Exception {
        TenantSets sets = new TenantSets(trove, BUILD);
        SetProbe probe = new SetProbe(trove);
        String master = sets.createActive("crash-src");
        String replica = sets.createReplicas(master, "crash-src-r", 1).get(0);
        String target = sets.createActive("crash-dst");
        var created = trove.trove("POST", "/replications/crash", """
                {"src_instance": "%s", "dst_instance": "%s", "entries": ["log"]}""".formatted(master, target));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        ReplicationTasksTest.await("the task active", Duration.ofSeconds(60),
                () -> trove.trove("GET", "/replications/crash", null).json().get("info").get("is_active").asBoolean());
        // The task reads the set's replica once the replica is healthy: the agent to kill is the replica's.
        String readerHost = stack.hostOfPort(probe.port(replica));
        stack.guest(readerHost).awaitLine("Replication task crash runs on instance " + replica, Duration.ofSeconds(60));

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Jedis source = probe.tenant(master)) {
                for (long n = 0; writing.get(); n++) {
                    source.rpush("log", Long.toString(n));
                    source.set("noise", Long.toString(n)); // filtered out: only "log" is replicated
                    written.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "load");
        writer.start();
        Thread.sleep(2000);
        stack.killAndRestartGuest(readerHost);
        Thread.sleep(3000);
        stack.killAndRestartApi();
        trove = stack.login();
        Thread.sleep(2000);
        writing.set(false);
        writer.join();

        TroveHttp api = trove;
        try (Jedis source = new SetProbe(api).tenant(master); Jedis copy = new SetProbe(api).tenant(target)) {
            List<String> expected = source.lrange("log", 0, -1);
            assertThat(expected).hasSize((int) written.get());
            try {
                ReplicationTasksTest.await("every record on the target", Duration.ofSeconds(60),
                        () -> copy.llen("log") >= expected.size());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + copy.llen("log") + " of " + expected.size()
                        + "; the task: " + api.trove("GET", "/replications/crash", null).body()
                        + "\nthe agents:\n" + taskLines("host-a") + taskLines("host-b"), e);
            }
            Thread.sleep(1000);
            assertThat(copy.lrange("log", 0, -1)).as("none lost, none twice").isEqualTo(expected);
            assertThat(copy.exists("noise")).isFalse();
        }
        JsonNode shown = api.trove("GET", "/replications/crash", null).json();
        assertThat(shown.get("info").get("pending_records").asLong()).as(shown.toString()).isZero();
    }

    @Test
    void aCopyWhoseAgentAndTaskmanagerAreKilledHalfwayCopiesEveryKeyOnce() throws Exception {
        TenantSets sets = new TenantSets(trove, BUILD);
        SetProbe probe = new SetProbe(trove);
        String source = sets.createActive("copy-crash-src");
        String target = sets.createActive("copy-crash-dst");
        int keys = 300_000;
        try (Jedis s = probe.tenant(source)) {
            var p = s.pipelined();
            for (int i = 0; i < keys; i++) {
                p.set("key:" + i, "value-" + i);
                if (i % 1000 == 0) {
                    p.sync();
                }
            }
            p.sync();
        }
        var started = trove.trove("POST", "/copies", """
                {"copy": {"source": "%s", "target": "%s"}}""".formatted(source, target));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().get("copy").get("id").asString();
        ReplicationTasksTest.await("the copy under way", Duration.ofSeconds(60), () -> {
            long copied = trove.trove("GET", "/copies/" + id, null).json().get("copy").get("progress").get("copied")
                    .asLong();
            return copied > 0 && copied < keys / 2;
        });
        String runner = stack.hostOfPort(probe.port(source));
        stack.killAndRestartGuest(runner);
        long afterAgent = trove.trove("GET", "/copies/" + id, null).json().get("copy").get("progress").get("copied")
                .asLong();
        stack.taskmanager().kill();
        stack.startTaskmanager();
        JsonNode copy = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            copy = trove.trove("GET", "/copies/" + id, null).json().get("copy");
            if (copy.get("state").asString().equals("SUCCEEDED") || copy.get("state").asString().equals("FAILED")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(copy.get("state").asString()).as(copy.toString()).isEqualTo("SUCCEEDED");
        assertThat(afterAgent).as("progress kept across the agent's crash").isPositive();
        assertThat(stack.guest(runner).output()).as("the restarted agent went on from the target's marker")
                .contains("Copy " + id + " resumes from its marker");
        assertThat(copy.get("progress").get("copied").asLong()).as("each key counted once").isEqualTo(keys);
        assertThat(copy.get("progress").get("skipped").asLong()).isZero();
        assertThat(copy.get("summary").asString()).startsWith("Copied " + keys + " keys (skipped 0, failed 0) in ");
        try (Jedis d = probe.tenant(target)) {
            assertThat(d.dbSize()).as("every key and the copy's marker").isEqualTo(keys + 1);
            for (int i = 0; i < keys; i += 997) {
                assertThat(d.get("key:" + i)).isEqualTo("value-" + i);
            }
        }
    }

    @Test
    void provisionedInstancesAndTasksSurviveRestartsAndRefuseRemoval() throws Exception {
        Map<String, String> provisioned = new LinkedHashMap<>();
        provisioned.put("REDTROVE_INSTANCE_PLANT_NAME", "plant");
        provisioned.put("REDTROVE_INSTANCE_PLANT_PROJECT", "ops");
        provisioned.put("REDTROVE_INSTANCE_COPY_NAME", "plant-copy");
        provisioned.put("REDTROVE_INSTANCE_COPY_PROJECT", "ops");
        provisioned.put("REDTROVE_REPLICATION_SENSORS_NAME", "sensors");
        provisioned.put("REDTROVE_REPLICATION_SENSORS_PROJECT", "ops");
        provisioned.put("REDTROVE_REPLICATION_SENSORS_SRC_INSTANCE", "plant");
        provisioned.put("REDTROVE_REPLICATION_SENSORS_DST_INSTANCE", "plant-copy");
        provisioned.put("REDTROVE_REPLICATION_SENSORS_ENTRIES", "sensor-*");
        provisioned.put("REDTROVE_REPLICATION_SENSORS_INCLUDE_engine_status", "working");
        stack.setApiEnvironment(provisioned);
        stack.killAndRestartApi();
        trove = stack.login();
        String plant = instanceNamed("plant");
        String copy = instanceNamed("plant-copy");
        trove.awaitStatus(plant, BUILD, "ACTIVE");
        trove.awaitStatus(copy, BUILD, "ACTIVE");
        assertThat(trove.trove("GET", "/instances/" + plant, null).json().get("instance").get("is_provisioned")
                .asBoolean()).isTrue();
        ReplicationTasksTest.await("the provisioned task active", Duration.ofSeconds(60),
                () -> trove.trove("GET", "/replications/sensors", null).json().get("info").get("is_active").asBoolean());
        SetProbe probe = new SetProbe(trove);
        try (Jedis source = probe.tenant(plant)) {
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "working"));
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "idle"));
        }
        try (Jedis target = probe.tenant(copy)) {
            ReplicationTasksTest.await("the working reading", Duration.ofSeconds(20),
                    () -> target.exists("sensor-1") && target.xlen("sensor-1") == 1);
        }
        var refusedTask = trove.trove("DELETE", "/replications/sensors", null);
        assertThat(refusedTask.status()).isEqualTo(409);
        assertThat(refusedTask.body()).contains("Can't remove provisioned replication 'sensors'");
        var refusedInstance = trove.trove("DELETE", "/instances/" + plant, null);
        assertThat(refusedInstance.status()).isEqualTo(409);
        assertThat(refusedInstance.body()).contains("Can't remove provisioned instance 'plant'");
        assertThat(trove.trove("PATCH", "/replications/sensors/mode", "{\"mode\": \"paused\"}").status())
                .as("a mode change is allowed").isEqualTo(200);

        // A restart provisions the same objects again: no second instance, the paused mode kept.
        stack.killAndRestartApi();
        trove = stack.login();
        assertThat(instancesNamed("plant")).hasSize(1);
        JsonNode task = trove.trove("GET", "/replications/sensors", null).json();
        assertThat(task.get("info").get("is_provisioned").asBoolean()).isTrue();
        assertThat(task.get("info").get("mode").asString()).isEqualTo("paused");

        // Without the variables they are ordinary objects again, and go.
        stack.setApiEnvironment(Map.of());
        stack.killAndRestartApi();
        trove = stack.login();
        assertThat(trove.trove("DELETE", "/replications/sensors", null).status()).isEqualTo(204);
        assertThat(trove.trove("DELETE", "/instances/" + plant, null).status()).isEqualTo(202);
        assertThat(trove.trove("DELETE", "/instances/" + copy, null).status()).isEqualTo(202);
    }

    private static String taskLines(String host) {
        StringBuilder lines = new StringBuilder();
        for (String line : stack.guest(host).output().split("\n")) {
            if (line.contains("task") || line.contains("Task")) {
                lines.append(host).append(": ").append(line).append('\n');
            }
        }
        return lines.toString();
    }

    private String instanceNamed(String name) throws Exception {
        List<String> ids = instancesNamed(name);
        assertThat(ids).as("instances named " + name).hasSize(1);
        return ids.get(0);
    }

    private List<String> instancesNamed(String name) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode i : trove.trove("GET", "/instances", null).json().get("instances")) {
            if (i.get("name").asString().equals(name)) {
                ids.add(i.get("id").asString());
            }
        }
        return ids;
    }
}
