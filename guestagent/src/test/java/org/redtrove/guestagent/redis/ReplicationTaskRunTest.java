package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.await;
import static org.redtrove.guestagent.redis.RedisHostFixture.connect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.ReplicationTaskSpec;
import org.redtrove.guestagent.GuestAgentProperties;
import org.redtrove.guestagent.tasks.ReplicationTasks;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;

/**
 * A replication task run by the agent against real redis-servers: the reader, the filters, the
 * log and the sender, without the taskmanager (which only decides where a task runs).
 */
class ReplicationTaskRunTest {

    @TempDir
    Path dataDir;
    private RedisHostFixture fixture;
    private RedisHost agent;
    private ReplicationTasks tasks;
    private final UUID sourceId = UUID.randomUUID();
    private final UUID targetId = UUID.randomUUID();
    private int sourcePort;
    private int targetPort;

    @BeforeEach
    void start() {
        fixture = new RedisHostFixture(dataDir);
        agent = fixture.startAgent(true);
        sourcePort = fixture.prepareRunning(agent, sourceId).port();
        targetPort = fixture.prepareRunning(agent, targetId).port();
        tasks = newTasks(1000);
    }

    private ReplicationTasks newTasks(long logSize) {
        return new ReplicationTasks(agent, new GuestAgentProperties(dataDir, null, null, "127.0.0.1", "127.0.0.1",
                "27000-27999", null, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofMillis(250), Duration.ofMillis(100), Duration.ofMillis(600), true), logSize,
                Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() {
        tasks.close();
        fixture.close();
    }

    private ReplicationTaskSpec spec(UUID id, List<String> entries, Map<String, String> include,
                                     Map<String, String> exclude, Integer eachN, String mode) {
        return new ReplicationTaskSpec(id, "t-" + id.toString().substring(0, 8), "127.0.0.1", targetPort, null,
                false, PASSWORD, entries, include, exclude, eachN, null, mode, null, true);
    }

    private ReplicationTaskReport report(UUID id) {
        return tasks.reports().stream().filter(r -> r.taskId().equals(id)).findFirst().orElseThrow();
    }

    private void awaitActive(UUID id) {
        await(Duration.ofSeconds(15), "task active", () -> report(id).active());
    }

    @Test
    void theSeedsSensorExampleOnlyWorkingUncorruptedRecordsArrive() {
        UUID id = UUID.randomUUID();
        tasks.run(sourceId, List.of(spec(id, List.of("sensor-*"), Map.of("engine_status", "working"),
                Map.of("sensor_status", "corrupted"), null, "enabled")));
        awaitActive(id);
        try (Jedis source = connect(sourcePort, PASSWORD)) {
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "working", "sensor_status", "ok"));
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "stopped", "sensor_status", "ok"));
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY,
                    Map.of("engine_status", "working", "sensor_status", "corrupted"));
            source.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "working", "sensor_status", "good"));
            source.xadd("other-1", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "working"));
            source.set("sensor-plain", "no labels: include is not empty, so it does not pass");
            source.hset("sensor-h", Map.of("engine_status", "working", "sensor_status", "ok"));
        }
        try (Jedis target = connect(targetPort, PASSWORD)) {
            await(Duration.ofSeconds(10), "two records on the target",
                    () -> target.exists("sensor-1") && target.xlen("sensor-1") == 2 && target.exists("sensor-h"));
            assertThat(target.xrange("sensor-1", "-", "+")).extracting(e -> e.getFields().get("sensor_status"))
                    .containsExactly("ok", "good");
            assertThat(target.exists("other-1")).isFalse();
            assertThat(target.exists("sensor-plain")).isFalse();
        }
        ReplicationTaskReport r = report(id);
        // three applied, scaled to an hour as ReductStore does (60 / minutes since the task began)
        assertThat(r.hourly().ok()).isIn(3L * 60, 3L * 30);
        assertThat(r.pendingRecords()).isZero();
        // Deletes, expiries and stream maintenance carry no labels, and still follow on matching keys.
        try (Jedis source = connect(sourcePort, PASSWORD)) {
            source.xtrim("sensor-1", 1, false);
            source.del("sensor-h");
            source.xadd("sensor-2", StreamEntryID.NEW_ENTRY, Map.of("engine_status", "working"));
            source.pexpire("sensor-2", 600_000);
        }
        try (Jedis target = connect(targetPort, PASSWORD)) {
            await(Duration.ofSeconds(10), "the trim, the delete and the expiry", () -> target.xlen("sensor-1") == 1
                    && !target.exists("sensor-h") && target.pttl("sensor-2") > 0);
        }
    }

    @Test
    void transactionsStayAtomicAndMultiKeyCommandsSplitPerKey() {
        UUID id = UUID.randomUUID();
        tasks.run(sourceId, List.of(spec(id, List.of("a:*"), Map.of(), Map.of(), null, "enabled")));
        awaitActive(id);
        try (Jedis source = connect(sourcePort, PASSWORD)) {
            source.mset("a:1", "one", "b:1", "other", "a:2", "two");
            Transaction tx = source.multi();
            tx.set("a:tx1", "x");
            tx.set("b:tx", "y");
            tx.incrBy("a:tx2", 5);
            tx.exec();
            source.set("a:ttl", "t");
            source.expire("a:ttl", 1000);
            source.del("a:1", "b:1");
            source.set("a:last", "done");
        }
        try (Jedis target = connect(targetPort, PASSWORD)) {
            await(Duration.ofSeconds(10), "the last write arrived", () -> target.exists("a:last"));
            assertThat(target.exists("a:1")).as("deleted after").isFalse();
            assertThat(target.get("a:2")).isEqualTo("two");
            assertThat(target.exists("b:1")).isFalse();
            assertThat(target.get("a:tx1")).isEqualTo("x");
            assertThat(target.get("a:tx2")).isEqualTo("5");
            assertThat(target.exists("b:tx")).isFalse();
            assertThat(target.ttl("a:ttl")).isBetween(990L, 1000L);
        }
    }

    @Test
    void aTargetThatIsDownKeepsRecordsPendingAndGetsEachExactlyOnceWhenBack() throws Exception {
        UUID id = UUID.randomUUID();
        tasks.run(sourceId, List.of(spec(id, List.of(), Map.of(), Map.of(), null, "enabled")));
        awaitActive(id);
        long pid = agent.pid(targetId).orElseThrow();
        RedisHostFixture.signal(pid, "STOP");
        try (Jedis source = connect(sourcePort, PASSWORD)) {
            for (int i = 0; i < 300; i++) {
                source.rpush("list", Integer.toString(i));
            }
        }
        await(Duration.ofSeconds(15), "records pending", () -> report(id).pendingRecords() > 0);
        RedisHostFixture.signal(pid, "CONT");
        try (Jedis target = connect(targetPort, PASSWORD)) {
            await(Duration.ofSeconds(20), "all 300 arrived", () -> target.llen("list") >= 300);
            Thread.sleep(500);
            assertThat(target.lrange("list", 0, -1)).hasSize(300).first().isEqualTo("0");
        }
        // The agent's tasks restart (a new agent process): nothing is applied twice.
        tasks.close();
        tasks = newTasks(1000);
        tasks.run(sourceId, List.of(spec(id, List.of(), Map.of(), Map.of(), null, "enabled")));
        awaitActive(id);
        try (Jedis source = connect(sourcePort, PASSWORD)) {
            source.rpush("list", "after");
        }
        try (Jedis target = connect(targetPort, PASSWORD)) {
            await(Duration.ofSeconds(10), "the write after the restart", () -> target.llen("list") >= 301);
            Thread.sleep(300);
            assertThat(target.llen("list")).isEqualTo(301);
        }
        assertThat(report(id).hourly().errors()).as("a resumed stream skips nothing")
                .doesNotContainKeys("UNKNOWN_COMMAND", "STREAM_MISSED", "LOG_DAMAGED");
    }

    @Test
    void eachNKeepsTheFirstAndEveryNthRecordOfAKey() {
        UUID id = UUID.randomUUID();
        tasks.run(sourceId, List.of(spec(id, List.of("s"), Map.of(), Map.of(), 3, "enabled")));
        awaitActive(id);
        try (Jedis source = connect(sourcePort, PASSWORD)) {
            for (int i = 0; i < 7; i++) {
                source.xadd("s", StreamEntryID.NEW_ENTRY, Map.of("i", Integer.toString(i)));
            }
        }
        try (Jedis target = connect(targetPort, PASSWORD)) {
            await(Duration.ofSeconds(10), "three records", () -> target.exists("s") && target.xlen("s") == 3);
            assertThat(target.xrange("s", "-", "+")).extracting(e -> e.getFields().get("i"))
                    .containsExactly("0", "3", "6");
        }
    }

    @Test
    void writesTheFiltersCannotDecideAreCountedErrorsNotDroppedSilently() {
        UUID id = UUID.randomUUID();
        tasks.run(sourceId, List.of(spec(id, List.of("a:*"), Map.of(), Map.of(), null, "enabled")));
        awaitActive(id);
        try (Jedis source = connect(sourcePort, PASSWORD)) {
            source.set("a:1", "x");
            source.rename("a:1", "b:1"); // one key matches, the other does not: RENAME cannot be cut
            source.set("a:2", "y");
            source.rename("a:2", "a:3"); // both match: it passes whole
            source.set("a:last", "done");
        }
        try (Jedis target = connect(targetPort, PASSWORD)) {
            await(Duration.ofSeconds(10), "the last write arrived", () -> target.exists("a:last"));
            assertThat(target.get("a:1")).as("the RENAME that only partly matched is not applied").isEqualTo("x");
            assertThat(target.get("a:3")).isEqualTo("y");
            assertThat(target.exists("a:2")).isFalse();
        }
        ReplicationTaskReport r = report(id);
        assertThat(r.hourly().errored()).isIn(60L, 30L);
        assertThat(r.hourly().errors().get("UNSPLITTABLE").count()).isEqualTo(1);
        assertThat(r.hourly().errors()).containsKey("UNSPLITTABLE");
        assertThat(r.hourly().errors().get("UNSPLITTABLE").lastMessage()).contains("RENAME").contains("b:1");
    }

    @Test
    void aTaskThatMovesToAnotherMemberBeforeItEverReportedContinuesWhereItBegan() throws Exception {
        UUID replicaId = UUID.randomUUID();
        fixture.prepareRunning(agent, replicaId);
        agent.follow(fixture.followRequest(replicaId, sourcePort, 2));
        RedisHostFixture.awaitSynced(agent, replicaId);
        UUID id = UUID.randomUUID();
        ReplicationTaskSpec spec = spec(id, List.of("log"), Map.of(), Map.of(), null, "enabled");
        tasks.run(sourceId, List.of(spec));
        await(Duration.ofSeconds(15), "the task knows where it began", () -> report(id).applied() != null);
        tasks.run(sourceId, List.of());
        try (Jedis source = connect(sourcePort, PASSWORD)) {
            for (int i = 0; i < 50; i++) {
                source.rpush("log", Integer.toString(i)); // written while no member runs the task
            }
        }
        // The taskmanager never heard of it (fresh, nothing known applied): the target knows where it began.
        tasks.run(replicaId, List.of(spec));
        try (Jedis target = connect(targetPort, PASSWORD)) {
            await(Duration.ofSeconds(15), "all 50 through the replica", () -> target.llen("log") >= 50);
            Thread.sleep(300);
            assertThat(target.lrange("log", 0, -1)).hasSize(50).first().isEqualTo("0");
        }
        assertThat(report(id).instanceId()).isEqualTo(replicaId);
    }
}
