package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.redtrove.guestagent.redis.RedisHostFixture.MAXMEMORY;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.STARTUP;
import static org.redtrove.guestagent.redis.RedisHostFixture.await;
import static org.redtrove.guestagent.redis.RedisHostFixture.awaitSynced;
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
import org.redtrove.common.AccessState;
import org.redtrove.common.Fencing;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** The Redis layer of the agent against real redis-server processes; no broker involved. */
class RedisHostTest {

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
        return fixture.prepareRunning(agent, id);
    }

    private InstanceReport follow(UUID replicaId, int masterPort) {
        return agent.follow(fixture.followRequest(replicaId, masterPort, 2));
    }

    @Test
    void preparedInstanceServesOnlyClientsWithThePassword() throws Exception {
        UUID id = UUID.randomUUID();
        InstanceReport report = agent.prepare(fixture.prepareRequest(id));
        assertThat(report.port()).isBetween(27000, 27999);
        assertThat(report.state()).isIn(RedisState.STARTING, RedisState.RUNNING);

        report = prepareRunning(id);
        assertThat(report.persistent()).isTrue();
        assertThat(report.replication().role()).isEqualTo("master");
        assertThat(report.membership()).isEqualTo(fixture.epoch(1));
        assertThat(report.access()).isEqualTo(AccessState.RESTRICTED);
        assertThat(report.fencing()).isNull();
        assertThat(report.held()).isFalse();
        try (Jedis jedis = connect(report.port(), PASSWORD)) {
            jedis.set("greeting", "hello");
            assertThat(jedis.get("greeting")).isEqualTo("hello");
        }
        try (Jedis anonymous = connect(report.port(), null)) {
            assertThatThrownBy(() -> anonymous.get("greeting")).hasMessageContaining("NOAUTH");
        }
        try (Jedis agentUser = fixture.connectAsAgent(id, report.port())) {
            assertThat(agentUser.aclWhoAmI()).isEqualTo("redtrove-agent");
            assertThat(agentUser.configGet("maxmemory").get("maxmemory")).isEqualTo(Long.toString(MAXMEMORY));
        }
        Path instanceDir = dataDir.resolve("instances").resolve(id.toString());
        assertThat(Files.getPosixFilePermissions(instanceDir.resolve("redis.conf")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(instanceDir.resolve("replication.conf")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String conf = Files.readString(instanceDir.resolve("redis.conf"));
        assertThat(conf).containsPattern("(?s)appendonly yes.*include .*replication.conf\"\n$")
                .doesNotContain("requirepass").doesNotContain("masterauth")
                .contains("user redtrove-agent on").contains("user redtrove-replica on");
    }

    @Test
    void instanceFilesAreReadableByTheServiceUserAlone() throws Exception {
        UUID id = UUID.randomUUID();
        InstanceReport report = prepareRunning(id);
        try (Jedis jedis = fixture.connectAsAgent(id, report.port())) {
            jedis.set("secret", "data");
            jedis.save(); // an RDB file beside the AOF; the tenant may not SAVE
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

        InstanceReport second = agent.prepare(fixture.prepareRequest(id));

        assertThat(second.port()).isEqualTo(first.port());
        assertThat(agent.pid(id)).hasValue(pid);
        assertThat(RedisHostFixture.processesOnPort(first.port())).isEqualTo(1);
        assertThat(agent.reports()).hasSize(1);
    }

    @Test
    void instancesGetDistinctPorts() {
        InstanceReport a = agent.prepare(fixture.prepareRequest(UUID.randomUUID()));
        InstanceReport b = agent.prepare(fixture.prepareRequest(UUID.randomUUID()));
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
    void restartedAgentAdoptsRunningRedisWithItsUsersAndRoles() throws Exception {
        RedisHost firstAgent = fixture.startAgent(false);
        UUID id = UUID.randomUUID();
        UUID replicaId = UUID.randomUUID();
        int port = fixture.prepareRunning(firstAgent, id).port();
        int replicaPort = fixture.prepareRunning(firstAgent, replicaId).port();
        firstAgent.follow(fixture.followRequest(replicaId, port, 2));
        awaitSynced(firstAgent, replicaId);
        long pid = firstAgent.pid(id).orElseThrow();
        long replicaPid = firstAgent.pid(replicaId).orElseThrow();
        try (Jedis jedis = connect(port, PASSWORD)) {
            jedis.set("survives", "the agent restart");
        }

        firstAgent.close(); // leaves Redis running
        RedisHost secondAgent = fixture.startAgent(true);

        assertThat(secondAgent.pid(id)).hasValue(pid);
        assertThat(secondAgent.pid(replicaId)).hasValue(replicaPid);
        await(STARTUP, "adopted instances RUNNING", () -> secondAgent.describe(id).state() == RedisState.RUNNING
                && secondAgent.describe(replicaId).state() == RedisState.RUNNING);
        Thread.sleep(600); // a few supervision ticks: still the same processes
        assertThat(secondAgent.pid(id)).hasValue(pid);
        assertThat(secondAgent.pid(replicaId)).hasValue(replicaPid);
        assertThat(RedisHostFixture.processesOnPort(port)).isEqualTo(1);
        InstanceReport replica = secondAgent.describe(replicaId);
        assertThat(replica.access()).isEqualTo(AccessState.RESTRICTED);
        assertThat(replica.membership()).isEqualTo(fixture.epoch(2));
        assertThat(replica.replication().syncCompleted()).isTrue();
        await(Duration.ofSeconds(5), "the master answers the new agent's PINGs",
                () -> secondAgent.describe(replicaId).replication().millisSinceMasterAnswered() >= 0);
        try (Jedis jedis = connect(port, PASSWORD)) {
            assertThat(jedis.get("survives")).isEqualTo("the agent restart");
        }
        try (Jedis jedis = fixture.connectAsAgent(id, port)) {
            assertThat(Long.parseLong(InfoReplication.fields(jedis.info("server")).get("process_id"))).isEqualTo(pid);
        }
        try (Jedis jedis = connect(replicaPort, PASSWORD)) {
            await(Duration.ofSeconds(5), "the write replicated", () -> "the agent restart".equals(jedis.get("survives")));
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
    void replicaThatFollowsHoldsMasterDataAndRefusesWrites() throws Exception {
        UUID masterId = UUID.randomUUID();
        UUID replicaId = UUID.randomUUID();
        int masterPort = prepareRunning(masterId).port();
        int replicaPort = prepareRunning(replicaId).port();
        try (Jedis master = connect(masterPort, PASSWORD)) {
            master.set("k", "from master");
        }

        InstanceReport followed = follow(replicaId, masterPort);

        assertThat(followed.membership()).isEqualTo(fixture.epoch(2));
        awaitSynced(agent, replicaId);
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
                .resolve("replication.conf"))).contains("replicaof 127.0.0.1 " + masterPort)
                .contains("masteruser redtrove-replica");
        assertThat(agent.describe(masterId).replication().replicas())
                .anySatisfy(link -> assertThat(link.port()).isEqualTo(replicaPort));

        // Repeating the request (a redelivered job) changes nothing.
        follow(replicaId, masterPort);
        assertThat(agent.describe(replicaId).replication().syncCompleted()).isTrue();
    }

    @Test
    void restartedReplicaIsStillAReplica() {
        UUID masterId = UUID.randomUUID();
        UUID replicaId = UUID.randomUUID();
        int masterPort = prepareRunning(masterId).port();
        int replicaPort = prepareRunning(replicaId).port();
        follow(replicaId, masterPort);
        awaitSynced(agent, replicaId);
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
    void replicaThatBecomesMasterIsWritableAndKeepsData() {
        UUID masterId = UUID.randomUUID();
        UUID replicaId = UUID.randomUUID();
        int masterPort = prepareRunning(masterId).port();
        int replicaPort = prepareRunning(replicaId).port();
        try (Jedis master = connect(masterPort, PASSWORD)) {
            master.set("k", "kept");
        }
        follow(replicaId, masterPort);
        awaitSynced(agent, replicaId);

        InstanceReport report = agent.becomeMaster(new GuestRequest.BecomeMaster(replicaId, fixture.epoch(3)));

        assertThat(report.replication().role()).isEqualTo("master");
        assertThat(report.membership()).isEqualTo(fixture.epoch(3));
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
        agent.configureSource(new GuestRequest.ConfigureSource(masterId, false, 1, Fencing.NONE));
        follow(replicaId, masterPort);
        awaitSynced(agent, replicaId);
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

        InstanceReport configured = agent.configureSource(new GuestRequest.ConfigureSource(id, false, 3,
                new Fencing(1, 4, true)));

        try (Jedis jedis = fixture.connectAsAgent(id, port)) {
            assertThat(jedis.configGet("repl-diskless-sync").get("repl-diskless-sync")).isEqualTo("no");
            // Three replicas attaching: the transfer starts once all three are connected, or after 5 s.
            assertThat(jedis.configGet("repl-diskless-sync-delay").get("repl-diskless-sync-delay")).isEqualTo("5");
            assertThat(jedis.configGet("repl-diskless-sync-max-replicas").get("repl-diskless-sync-max-replicas"))
                    .isEqualTo("3");
            assertThat(jedis.configGet("min-replicas-to-write").get("min-replicas-to-write")).isEqualTo("1");
            assertThat(jedis.configGet("min-replicas-max-lag").get("min-replicas-max-lag")).isEqualTo("4");
        }
        assertThat(Files.readString(dataDir.resolve("instances").resolve(id.toString()).resolve("replication.conf")))
                .contains("repl-diskless-sync no").contains("repl-diskless-sync-delay 5")
                .contains("min-replicas-to-write 1").contains("min-replicas-max-lag 4");
        assertThat(configured.fencing()).isEqualTo(new Fencing(1, 4, true));

        agent.configureSource(new GuestRequest.ConfigureSource(id, false, 0, Fencing.NONE));

        try (Jedis jedis = fixture.connectAsAgent(id, port)) {
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

}
