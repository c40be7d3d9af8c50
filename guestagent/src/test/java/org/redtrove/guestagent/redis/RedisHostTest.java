package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.await;
import static org.redtrove.guestagent.redis.RedisHostFixture.connect;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** The Redis layer of the agent against real redis-server processes; no broker involved. */
class RedisHostTest {

    private static final long MAXMEMORY = 64L * 1024 * 1024;
    private static final Duration STARTUP = Duration.ofSeconds(15);

    @TempDir
    Path dataDir;
    private RedisHostFixture fixture;
    private RedisHost agent;

    @BeforeEach
    void startAgent() {
        fixture = new RedisHostFixture(dataDir);
        agent = fixture.startAgent(true);
    }

    @AfterEach
    void stopEverything() {
        fixture.close();
    }

    private InstanceReport prepareRunning(UUID id) {
        agent.prepare(id, PASSWORD, MAXMEMORY);
        await(STARTUP, id + " is RUNNING", () -> agent.describe(id).state() == RedisState.RUNNING);
        return agent.describe(id);
    }

    @Test
    void preparedInstanceServesOnlyClientsWithThePassword() throws Exception {
        UUID id = UUID.randomUUID();
        InstanceReport report = agent.prepare(id, PASSWORD, MAXMEMORY);
        assertThat(report.port()).isBetween(27000, 27999);
        assertThat(report.state()).isIn(RedisState.STARTING, RedisState.RUNNING);

        report = prepareRunning(id);
        assertThat(report.persistent()).isTrue();
        assertThat(report.replication().role()).isEqualTo("master");
        try (Jedis jedis = connect(report.port(), PASSWORD)) {
            jedis.set("greeting", "hello");
            assertThat(jedis.get("greeting")).isEqualTo("hello");
            assertThat(jedis.configGet("maxmemory").get("maxmemory")).isEqualTo(Long.toString(MAXMEMORY));
        }
        try (Jedis anonymous = connect(report.port(), null)) {
            assertThatThrownBy(() -> anonymous.get("greeting")).hasMessageContaining("NOAUTH");
        }
        Path instanceDir = dataDir.resolve("instances").resolve(id.toString());
        assertThat(Files.getPosixFilePermissions(instanceDir.resolve("redis.conf")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(instanceDir.resolve("replication.conf")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(instanceDir.resolve("redis.conf")))
                .containsPattern("(?s)appendonly yes.*include .*replication.conf\"\n$");
    }

    @Test
    void instanceFilesAreReadableByTheServiceUserAlone() throws Exception {
        UUID id = UUID.randomUUID();
        InstanceReport report = prepareRunning(id);
        try (Jedis jedis = connect(report.port(), PASSWORD)) {
            jedis.set("secret", "data");
            jedis.save(); // an RDB file beside the AOF
        }
        Path instanceDir = dataDir.resolve("instances").resolve(id.toString());
        assertThat(mode(dataDir.resolve("instances"))).isEqualTo("rwx------");
        java.util.List<Path> all;
        try (var walk = Files.walk(instanceDir)) {
            all = walk.toList();
        }
        assertThat(all).anyMatch(p -> p.getFileName().toString().endsWith(".rdb"))
                .anyMatch(p -> p.getFileName().toString().contains(".aof"));
        for (Path p : all) {
            assertThat(mode(p)).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
    }

    private static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void preparingTwiceKeepsOnePortAndOneProcess() {
        UUID id = UUID.randomUUID();
        InstanceReport first = prepareRunning(id);
        long pid = agent.pid(id).orElseThrow();

        InstanceReport second = agent.prepare(id, PASSWORD, MAXMEMORY);

        assertThat(second.port()).isEqualTo(first.port());
        assertThat(agent.pid(id)).hasValue(pid);
        assertThat(RedisHostFixture.processesOnPort(first.port())).isEqualTo(1);
        assertThat(agent.reports()).hasSize(1);
    }

    @Test
    void instancesGetDistinctPorts() {
        InstanceReport a = agent.prepare(UUID.randomUUID(), PASSWORD, MAXMEMORY);
        InstanceReport b = agent.prepare(UUID.randomUUID(), PASSWORD, MAXMEMORY);
        assertThat(a.port()).isNotEqualTo(b.port());
    }

    @Test
    void deleteStopsRedisAndRemovesItsData() {
        UUID id = UUID.randomUUID();
        int port = prepareRunning(id).port();
        long pid = agent.pid(id).orElseThrow();

        agent.delete(id);

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.io.IOException.class);
        assertThat(dataDir.resolve("instances").resolve(id.toString())).doesNotExist();
        assertThat(agent.reports()).isEmpty();
        agent.delete(id); // idempotent
        agent.delete(UUID.randomUUID());
    }

    @Test
    void restartedAgentAdoptsRunningRedis() throws Exception {
        RedisHost firstAgent = fixture.startAgent(false);
        UUID id = UUID.randomUUID();
        firstAgent.prepare(id, PASSWORD, MAXMEMORY);
        await(STARTUP, "RUNNING", () -> firstAgent.describe(id).state() == RedisState.RUNNING);
        int port = firstAgent.describe(id).port();
        long pid = firstAgent.pid(id).orElseThrow();
        try (Jedis jedis = connect(port, PASSWORD)) {
            jedis.set("survives", "the agent restart");
        }

        firstAgent.close(); // leaves Redis running
        RedisHost secondAgent = fixture.startAgent(true);

        assertThat(secondAgent.pid(id)).hasValue(pid);
        await(STARTUP, "adopted instance RUNNING",
                () -> secondAgent.describe(id).state() == RedisState.RUNNING);
        Thread.sleep(600); // a few supervision ticks: still the same process
        assertThat(secondAgent.pid(id)).hasValue(pid);
        assertThat(RedisHostFixture.processesOnPort(port)).isEqualTo(1);
        try (Jedis jedis = connect(port, PASSWORD)) {
            assertThat(jedis.get("survives")).isEqualTo("the agent restart");
            assertThat(Long.parseLong(InfoReplication.fields(jedis.info("server")).get("process_id"))).isEqualTo(pid);
        }
    }

    @Test
    void killedRedisIsRestartedWithItsData() {
        UUID id = UUID.randomUUID();
        int port = prepareRunning(id).port();
        long pid = agent.pid(id).orElseThrow();
        try (Jedis jedis = connect(port, PASSWORD)) {
            jedis.set("durable", "yes");
        }

        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9

        await(STARTUP, "a new redis-server is RUNNING", () -> agent.pid(id).orElse(pid) != pid
                && agent.describe(id).state() == RedisState.RUNNING);
        try (Jedis jedis = connect(port, PASSWORD)) {
            assertThat(jedis.get("durable")).isEqualTo("yes");
        }
    }

    @Test
    void redisThatKeepsCrashingIsReportedFailedWithItsLog() throws Exception {
        UUID id = UUID.randomUUID();
        prepareRunning(id);
        long pid = agent.pid(id).orElseThrow();
        Path conf = dataDir.resolve("instances").resolve(id.toString()).resolve("redis.conf");
        Files.writeString(conf, "no-such-directive yes\n", java.nio.file.StandardOpenOption.APPEND);

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        await(Duration.ofSeconds(20), "FAILED", () -> agent.describe(id).state() == RedisState.FAILED);
        assertThat(agent.describe(id).detail()).contains("redis-server exited").contains("no-such-directive");
    }

    @Test
    void attachedReplicaHoldsMasterDataAndRefusesWrites() throws Exception {
        UUID masterId = UUID.randomUUID();
        UUID replicaId = UUID.randomUUID();
        int masterPort = prepareRunning(masterId).port();
        int replicaPort = prepareRunning(replicaId).port();
        try (Jedis master = connect(masterPort, PASSWORD)) {
            master.set("k", "from master");
        }

        agent.attachToMaster(replicaId, "127.0.0.1", masterPort, PASSWORD);

        awaitSynced(replicaId);
        ReplicationInfo replication = agent.describe(replicaId).replication();
        assertThat(replication.role()).isEqualTo("slave");
        assertThat(replication.masterPort()).isEqualTo(masterPort);
        assertThat(replication.millisSinceMasterIo()).isBetween(0L, 15_000L);
        try (Jedis replica = connect(replicaPort, PASSWORD)) {
            assertThat(replica.get("k")).isEqualTo("from master");
            assertThatThrownBy(() -> replica.set("k", "from replica"))
                    .isInstanceOf(JedisDataException.class).hasMessageContaining("READONLY");
        }
        assertThat(Files.readString(dataDir.resolve("instances").resolve(replicaId.toString())
                .resolve("replication.conf"))).contains("replicaof 127.0.0.1 " + masterPort);
        assertThat(agent.describe(masterId).replication().replicas())
                .anySatisfy(link -> assertThat(link.port()).isEqualTo(replicaPort));

        // Repeating the request (a redelivered job) changes nothing.
        agent.attachToMaster(replicaId, "127.0.0.1", masterPort, PASSWORD);
        assertThat(agent.describe(replicaId).replication().syncCompleted()).isTrue();
    }

    @Test
    void restartedReplicaIsStillAReplica() {
        UUID masterId = UUID.randomUUID();
        UUID replicaId = UUID.randomUUID();
        int masterPort = prepareRunning(masterId).port();
        int replicaPort = prepareRunning(replicaId).port();
        agent.attachToMaster(replicaId, "127.0.0.1", masterPort, PASSWORD);
        awaitSynced(replicaId);
        long pid = agent.pid(replicaId).orElseThrow();

        // kill -9: whatever Redis was doing, it comes back from its files alone
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        await(STARTUP, "replica restarted and linked", () -> agent.pid(replicaId).orElse(pid) != pid
                && agent.describe(replicaId).replication().masterLinkUp());
        try (Jedis master = connect(masterPort, PASSWORD)) {
            master.set("after", "restart");
        }
        try (Jedis replica = connect(replicaPort, PASSWORD)) {
            await(Duration.ofSeconds(5), "write replicated", () -> "restart".equals(replica.get("after")));
            assertThat(InfoReplication.fields(replica.info("replication")).get("role")).isEqualTo("slave");
        }
    }

    @Test
    void detachedReplicaIsWritableAndKeepsData() {
        UUID masterId = UUID.randomUUID();
        UUID replicaId = UUID.randomUUID();
        int masterPort = prepareRunning(masterId).port();
        int replicaPort = prepareRunning(replicaId).port();
        try (Jedis master = connect(masterPort, PASSWORD)) {
            master.set("k", "kept");
        }
        agent.attachToMaster(replicaId, "127.0.0.1", masterPort, PASSWORD);
        awaitSynced(replicaId);

        InstanceReport report = agent.detach(replicaId);

        assertThat(report.replication().role()).isEqualTo("master");
        assertThat(report.replication().syncCompleted()).isFalse();
        try (Jedis detached = connect(replicaPort, PASSWORD)) {
            assertThat(detached.get("k")).isEqualTo("kept");
            detached.set("k", "mine now");
            assertThat(detached.get("k")).isEqualTo("mine now");
        }
        assertThat(dataDir.resolve("instances").resolve(replicaId.toString()).resolve("replication.conf"))
                .content().doesNotContain("replicaof");
    }

    @Test
    void pausedWritesWaitForUnpause() throws Exception {
        UUID id = UUID.randomUUID();
        int port = prepareRunning(id).port();
        try (Jedis jedis = connect(port, PASSWORD)) {
            jedis.set("before", "pause");
        }

        RedisHost.OffsetReached paused = agent.pauseWrites(id, 10_000);

        try (Jedis jedis = connect(port, PASSWORD)) {
            assertThat(paused.offset())
                    .isEqualTo(InfoReplication.masterReplOffset(jedis.info("replication")));
            assertThat(jedis.get("before")).isEqualTo("pause"); // reads still work
        }
        CompletableFuture<String> write = CompletableFuture.supplyAsync(() -> {
            try (Jedis jedis = connect(port, PASSWORD)) {
                return jedis.set("during", "pause");
            }
        });
        Thread.sleep(500);
        assertThat(write).isNotDone();

        agent.unpause(id);

        assertThat(write.get(5, TimeUnit.SECONDS)).isEqualTo("OK");
    }

    @Test
    void waitForOffsetReturnsOnceReplicaHasMastersOffset() {
        UUID masterId = UUID.randomUUID();
        UUID replicaId = UUID.randomUUID();
        int masterPort = prepareRunning(masterId).port();
        prepareRunning(replicaId);
        agent.configureSource(masterId, false, 1);
        agent.attachToMaster(replicaId, "127.0.0.1", masterPort, PASSWORD);
        awaitSynced(replicaId);
        long masterOffset;
        try (Jedis master = connect(masterPort, PASSWORD)) {
            for (int i = 0; i < 2000; i++) {
                master.set("key" + i, "value" + i);
            }
            masterOffset = InfoReplication.masterReplOffset(master.info("replication"));
        }

        RedisHost.OffsetReached reached = agent.waitForOffset(replicaId, masterOffset, 10_000);

        assertThat(reached.offset()).isGreaterThanOrEqualTo(masterOffset);
        assertThatThrownBy(() -> agent.waitForOffset(replicaId, masterOffset + 1_000_000, 200))
                .isInstanceOf(GuestOperationException.class).hasMessageContaining("within 200 ms");
    }

    @Test
    void configureSourceIsAppliedLiveAndPersisted() throws Exception {
        UUID id = UUID.randomUUID();
        int port = prepareRunning(id).port();

        agent.configureSource(id, false, 3);

        try (Jedis jedis = connect(port, PASSWORD)) {
            assertThat(jedis.configGet("repl-diskless-sync").get("repl-diskless-sync")).isEqualTo("no");
            // Three replicas attaching: the transfer starts once all three are connected, or after 5 s.
            assertThat(jedis.configGet("repl-diskless-sync-delay").get("repl-diskless-sync-delay")).isEqualTo("5");
            assertThat(jedis.configGet("repl-diskless-sync-max-replicas").get("repl-diskless-sync-max-replicas"))
                    .isEqualTo("3");
        }
        assertThat(Files.readString(dataDir.resolve("instances").resolve(id.toString()).resolve("replication.conf")))
                .contains("repl-diskless-sync no").contains("repl-diskless-sync-delay 5");

        agent.configureSource(id, false, 0);

        try (Jedis jedis = connect(port, PASSWORD)) {
            assertThat(jedis.configGet("repl-diskless-sync-delay").get("repl-diskless-sync-delay")).isEqualTo("0");
            assertThat(jedis.configGet("repl-diskless-sync-max-replicas").get("repl-diskless-sync-max-replicas"))
                    .isEqualTo("0");
        }
    }

    @Test
    void operationsOnUnknownInstancesFailWithAMessage() {
        UUID unknown = UUID.randomUUID();
        assertThatThrownBy(() -> agent.describe(unknown))
                .isInstanceOf(GuestOperationException.class).hasMessageContaining(unknown.toString());
    }

    private void awaitSynced(UUID replicaId) {
        await(STARTUP, replicaId + " synced", () -> {
            ReplicationInfo r = agent.describe(replicaId).replication();
            return r != null && r.masterLinkUp() && r.syncCompleted();
        });
    }
}
