package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.REPLICATION_PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.STARTUP;
import static org.redtrove.guestagent.redis.RedisHostFixture.await;
import static org.redtrove.guestagent.redis.RedisHostFixture.awaitSynced;
import static org.redtrove.guestagent.redis.RedisHostFixture.connect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import redis.clients.jedis.Jedis;

/**
 * Follow and BecomeMaster: replicas log in to their master as the replication user, the agent watches
 * each replica's master itself, an older epoch never undoes a newer one, and a hung old master told to
 * follow comes back as a replica.
 */
class FollowTest {

    @TempDir
    Path dataDir;
    private RedisHostFixture fixture;
    private RedisHost agent;
    private UUID masterId;
    private UUID replicaId;
    private int masterPort;
    private int replicaPort;

    @BeforeEach
    void prepareTwoInstances() {
        fixture = new RedisHostFixture(dataDir);
        agent = fixture.startAgent(true);
        masterId = UUID.randomUUID();
        replicaId = UUID.randomUUID();
        masterPort = fixture.prepareRunning(agent, masterId).port();
        replicaPort = fixture.prepareRunning(agent, replicaId).port();
    }

    @AfterEach
    void stopEverything() {
        fixture.close();
    }

    @Test
    void replicaSyncsThroughTheReplicationUser() throws Exception {
        try (Jedis master = connect(masterPort, PASSWORD)) {
            master.set("k", "from master");
        }

        agent.follow(fixture.followRequest(replicaId, masterPort, 2));

        awaitSynced(agent, replicaId);
        try (Jedis replica = connect(replicaPort, PASSWORD)) {
            assertThat(replica.get("k")).isEqualTo("from master");
        }
        try (Jedis master = fixture.connectAsAgent(masterId, masterPort)) {
            assertThat(master.clientList(redis.clients.jedis.args.ClientType.REPLICA))
                    .contains("user=redtrove-replica");
            assertThat(master.aclLog()).as("no login or command refused on the master").isEmpty();
        }
        String file = Files.readString(fixture.instanceDir(replicaId).resolve("replication.conf"));
        assertThat(file).contains("masteruser redtrove-replica")
                .contains("masterauth " + ReplicationSettings.ConfigText.quote(REPLICATION_PASSWORD));
    }

    @Test
    void replicaSeesItsMasterFallSilentAndAnswerAgain() {
        agent.follow(fixture.followRequest(replicaId, masterPort, 2));
        awaitSynced(agent, replicaId);
        await(Duration.ofSeconds(5), "the master answers the agent's PINGs", () -> {
            long since = agent.describe(replicaId).replication().millisSinceMasterAnswered();
            return since >= 0 && since <= 300;
        });
        assertThat(agent.anySuspect()).isFalse();
        long masterPid = agent.pid(masterId).orElseThrow();

        RedisHostFixture.signal(masterPid, "STOP");
        try {
            await(Duration.ofSeconds(5), "the master's silence passes 500 ms",
                    () -> agent.describe(replicaId).replication().millisSinceMasterAnswered() > 500);
            long first = agent.describe(replicaId).replication().millisSinceMasterAnswered();
            assertThat(agent.anySuspect()).isTrue();
            await(Duration.ofSeconds(5), "the hung master itself is UNRESPONSIVE",
                    () -> agent.describe(masterId).state() == RedisState.UNRESPONSIVE);
            assertThat(agent.describe(replicaId).replication().millisSinceMasterAnswered()).isGreaterThan(first);
        } finally {
            RedisHostFixture.signal(masterPid, "CONT");
        }

        await(Duration.ofSeconds(5), "the master answers again", () -> {
            long since = agent.describe(replicaId).replication().millisSinceMasterAnswered();
            return since >= 0 && since <= 300;
        });
        await(Duration.ofSeconds(5), "the master is RUNNING again",
                () -> agent.describe(masterId).state() == RedisState.RUNNING);
        assertThat(agent.pid(masterId)).hasValue(masterPid);
    }

    @Test
    void staleEpochIsRefusedAndChangesNothing() throws Exception {
        UUID otherId = UUID.randomUUID();
        int otherPort = fixture.prepareRunning(agent, otherId).port();
        agent.follow(fixture.followRequest(replicaId, masterPort, 5));
        awaitSynced(agent, replicaId);
        Path file = fixture.instanceDir(replicaId).resolve("replication.conf");
        String before = Files.readString(file);

        assertThatThrownBy(() -> agent.follow(fixture.followRequest(replicaId, otherPort, 4)))
                .isInstanceOf(GuestOperationException.class)
                .hasMessageContaining("stale epoch").hasMessageContaining("epoch 5").hasMessageContaining("epoch 4");
        assertThatThrownBy(() -> agent.becomeMaster(new GuestRequest.BecomeMaster(replicaId, fixture.epoch(3))))
                .isInstanceOf(GuestOperationException.class).hasMessageContaining("stale epoch");

        InstanceReport report = agent.describe(replicaId);
        assertThat(report.membership()).isEqualTo(fixture.epoch(5));
        assertThat(report.replication().role()).isEqualTo("slave");
        assertThat(report.replication().masterPort()).isEqualTo(masterPort);
        assertThat(Files.readString(file)).isEqualTo(before);

        // The same epoch again is a redelivered request: applied, idempotent.
        assertThat(agent.follow(fixture.followRequest(replicaId, masterPort, 5)).replication().syncCompleted())
                .isTrue();
        // Another set takes the instance whatever its epoch (a detach).
        Membership elsewhere = new Membership(UUID.randomUUID(), 1);
        InstanceReport detached = agent.becomeMaster(new GuestRequest.BecomeMaster(replicaId, elsewhere));
        assertThat(detached.replication().role()).isEqualTo("master");
        assertThat(detached.membership()).isEqualTo(elsewhere);
    }

    @Test
    void hungOldMasterToldToFollowComesBackAsAReplicaOfTheNewMaster() throws Exception {
        try (Jedis master = connect(masterPort, PASSWORD)) {
            master.set("old", "written before the failover");
        }
        agent.follow(fixture.followRequest(replicaId, masterPort, 2));
        awaitSynced(agent, replicaId);
        long hungPid = agent.pid(masterId).orElseThrow();
        RedisHostFixture.signal(hungPid, "STOP");
        try {
            // The taskmanager fails over to the replica, which takes writes of its own.
            agent.becomeMaster(new GuestRequest.BecomeMaster(replicaId, fixture.epoch(3)));
            try (Jedis newMaster = connect(replicaPort, PASSWORD)) {
                newMaster.set("new", "written after the failover");
            }
            GuestRequest.Follow follow = new GuestRequest.Follow(masterId, fixture.epoch(3), "127.0.0.1", replicaPort,
                    REPLICATION_PASSWORD, false, false);
            assertThatThrownBy(() -> agent.follow(follow)).as("without restartIfUnresponsive")
                    .isInstanceOf(GuestOperationException.class);
            assertThat(agent.pid(masterId)).hasValue(hungPid);

            agent.follow(new GuestRequest.Follow(masterId, fixture.epoch(3), "127.0.0.1", replicaPort,
                    REPLICATION_PASSWORD, true, false));
        } finally {
            ProcessHandle.of(hungPid).ifPresent(p -> RedisHostFixture.signal(hungPid, "CONT"));
        }

        assertThat(ProcessHandle.of(hungPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        awaitSynced(agent, masterId);
        assertThat(agent.pid(masterId).orElseThrow()).isNotEqualTo(hungPid);
        ReplicationInfo replication = agent.describe(masterId).replication();
        assertThat(replication.role()).isEqualTo("slave");
        assertThat(replication.masterPort()).isEqualTo(replicaPort);
        assertThat(agent.describe(masterId).membership()).isEqualTo(fixture.epoch(3));
        assertThat(RedisHostFixture.processesOnPort(masterPort)).isEqualTo(1);
        try (Jedis oldMaster = connect(masterPort, PASSWORD)) {
            assertThat(oldMaster.get("new")).isEqualTo("written after the failover");
            assertThat(oldMaster.get("old")).isEqualTo("written before the failover");
        }
        await(STARTUP, "the old master is RUNNING", () -> agent.describe(masterId).state() == RedisState.RUNNING);
    }
}
