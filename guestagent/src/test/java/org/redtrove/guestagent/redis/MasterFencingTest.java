package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.STARTUP;
import static org.redtrove.guestagent.redis.RedisHostFixture.await;
import static org.redtrove.guestagent.redis.RedisHostFixture.awaitSynced;
import static org.redtrove.guestagent.redis.RedisHostFixture.connect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.Fencing;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * How a master protects its set's writes: min-replicas fencing, and a crashed master held for the
 * taskmanager (holdRestart) instead of restarted with an AOF that may lack what its replicas hold.
 */
class MasterFencingTest {

    private static final Fencing HOLD = new Fencing(0, 10, true);

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

    private void configure(UUID id, Fencing fencing) {
        agent.configureSource(new GuestRequest.ConfigureSource(id, true, 0, fencing));
    }

    private static void kill9(long pid) {
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    }

    @Test
    void crashedMasterWithHoldRestartIsHeldUntilPrepare() throws Exception {
        UUID id = UUID.randomUUID();
        int port = fixture.prepareRunning(agent, id).port();
        configure(id, HOLD);
        try (Jedis tenant = connect(port, PASSWORD)) {
            tenant.set("durable", "yes");
        }
        long pid = agent.pid(id).orElseThrow();
        assertThat(agent.anySuspect()).isFalse();

        long killedAt = System.nanoTime();
        kill9(pid);

        await(Duration.ofSeconds(2), "held", () -> agent.describe(id).held());
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("noticed at its exit, not at a tick")
                .isLessThan(Duration.ofMillis(500));
        Thread.sleep(1000); // five supervision ticks: still nothing started
        InstanceReport held = agent.describe(id);
        assertThat(held.held()).isTrue();
        assertThat(held.state()).isEqualTo(RedisState.STOPPED);
        assertThat(held.detail()).contains("waits for the taskmanager");
        assertThat(held.fencing()).isEqualTo(HOLD);
        assertThat(agent.pid(id)).isEmpty();
        assertThat(RedisHostFixture.processesOnPort(port)).isZero();
        assertThat(agent.anySuspect()).isTrue();

        InstanceReport prepared = agent.prepare(fixture.prepareRequest(id));

        assertThat(prepared.held()).isFalse();
        await(STARTUP, "RUNNING again", () -> agent.describe(id).state() == RedisState.RUNNING);
        try (Jedis tenant = connect(port, PASSWORD)) {
            assertThat(tenant.get("durable")).isEqualTo("yes");
        }
    }

    @Test
    void heldMasterStaysHeldAcrossAnAgentRestart() {
        RedisHost first = fixture.startAgent(false);
        UUID id = UUID.randomUUID();
        int port = fixture.prepareRunning(first, id).port();
        first.configureSource(new GuestRequest.ConfigureSource(id, true, 0, HOLD));
        kill9(first.pid(id).orElseThrow());
        await(Duration.ofSeconds(2), "held", () -> first.describe(id).held());
        first.close();

        RedisHost second = fixture.startAgent(true);

        assertThat(second.describe(id).held()).isTrue();
        assertThat(second.pid(id)).isEmpty();
        assertThat(RedisHostFixture.processesOnPort(port)).isZero();
        second.prepare(fixture.prepareRequest(id));
        await(STARTUP, "RUNNING again", () -> second.describe(id).state() == RedisState.RUNNING);
    }

    @Test
    void masterThatDiesUnwatchedIsHeldWhenTheAgentComesBack() {
        RedisHost first = fixture.startAgent(false);
        UUID id = UUID.randomUUID();
        fixture.prepareRunning(first, id);
        first.configureSource(new GuestRequest.ConfigureSource(id, true, 0, HOLD));
        long pid = first.pid(id).orElseThrow();
        first.close(); // Redis keeps running, nobody watches it

        kill9(pid);
        await(Duration.ofSeconds(5), "redis-server gone", () -> ProcessHandle.of(pid).isEmpty());
        RedisHost second = fixture.startAgent(true);

        InstanceReport report = second.describe(id);
        assertThat(report.held()).isTrue();
        assertThat(report.detail()).contains("no agent was watching").contains("waits for the taskmanager");
        assertThat(second.pid(id)).isEmpty();
    }

    @Test
    void heldMasterToldToFollowStartsAsAReplica() {
        UUID oldMaster = UUID.randomUUID();
        UUID newMaster = UUID.randomUUID();
        int oldPort = fixture.prepareRunning(agent, oldMaster).port();
        int newPort = fixture.prepareRunning(agent, newMaster).port();
        try (Jedis tenant = connect(newPort, PASSWORD)) {
            tenant.set("from", "the new master");
        }
        configure(oldMaster, HOLD);
        kill9(agent.pid(oldMaster).orElseThrow());
        await(Duration.ofSeconds(2), "held", () -> agent.describe(oldMaster).held());

        InstanceReport followed = agent.follow(fixture.followRequest(oldMaster, newPort, 2));

        assertThat(followed.held()).isFalse();
        awaitSynced(agent, oldMaster);
        try (Jedis tenant = connect(oldPort, PASSWORD)) {
            assertThat(tenant.get("from")).isEqualTo("the new master");
        }
    }

    @Test
    void replicasAndMastersWithoutHoldRestartAreRestartedAsBefore() {
        UUID master = UUID.randomUUID();
        UUID replica = UUID.randomUUID();
        int masterPort = fixture.prepareRunning(agent, master).port();
        fixture.prepareRunning(agent, replica);
        agent.follow(fixture.followRequest(replica, masterPort, 2));
        awaitSynced(agent, replica);
        configure(replica, HOLD); // held only while a master
        configure(master, new Fencing(0, 10, false));
        long replicaPid = agent.pid(replica).orElseThrow();
        long masterPid = agent.pid(master).orElseThrow();

        kill9(replicaPid);
        kill9(masterPid);

        await(STARTUP, "both restarted", () -> agent.pid(replica).orElse(replicaPid) != replicaPid
                && agent.pid(master).orElse(masterPid) != masterPid);
        assertThat(agent.describe(replica).held()).isFalse();
        assertThat(agent.describe(master).held()).isFalse();
        awaitSynced(agent, replica);
    }

    @Test
    void fencedMasterTakesWritesOnlyWithAConnectedReplica() {
        UUID master = UUID.randomUUID();
        UUID replica = UUID.randomUUID();
        int masterPort = fixture.prepareRunning(agent, master).port();
        fixture.prepareRunning(agent, replica);

        configure(master, new Fencing(1, 1, true));

        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            assertThatThrownBy(() -> tenant.set("k", "alone")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("NOREPLICAS");
        }
        agent.follow(fixture.followRequest(replica, masterPort, 2));
        awaitSynced(agent, replica);
        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            await(Duration.ofSeconds(5), "a write is taken", () -> "OK".equals(tenant.set("k", "replicated")));
        }
        assertThat(agent.describe(master).fencing()).isEqualTo(new Fencing(1, 1, true));
    }

    /**
     * Redis alone (min-replicas-max-lag 10) would take writes for 10 s after its replica went
     * silent; the agent's self-fence refuses them once the replica has not answered for 600 ms, and
     * takes them again when it answers, or when the set's fencing is lifted.
     */
    @Test
    void masterFencesItselfWhileNoReplicaAnswersItsAgent() throws Exception {
        UUID master = UUID.randomUUID();
        UUID replica = UUID.randomUUID();
        int masterPort = fixture.prepareRunning(agent, master).port();
        fixture.prepareRunning(agent, replica);
        agent.follow(fixture.followRequest(replica, masterPort, 2));
        awaitSynced(agent, replica);
        configure(master, new Fencing(1, 10, true));
        long replicaPid = agent.pid(replica).orElseThrow();

        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            await(Duration.ofSeconds(5), "a write is taken", () -> takes(tenant, "before"));
            RedisHostFixture.signal(replicaPid, "STOP");
            try {
                await(Duration.ofSeconds(5), "writes refused with NOREPLICAS", () -> !takes(tenant, "cut off"));
                assertThat(minReplicasToWrite(master, masterPort))
                        .isEqualTo(Integer.toString(SelfFence.OUT_OF_REACH));
            } finally {
                RedisHostFixture.signal(replicaPid, "CONT");
            }
            await(Duration.ofSeconds(5), "writes taken again", () -> takes(tenant, "after"));
            assertThat(minReplicasToWrite(master, masterPort)).isEqualTo("1");

            RedisHostFixture.signal(replicaPid, "STOP");
            try {
                await(Duration.ofSeconds(5), "refused again", () -> !takes(tenant, "cut off"));
                configure(master, new Fencing(0, 10, true)); // what the taskmanager does when the replicas are gone
                await(Duration.ofSeconds(5), "taken with the fencing lifted", () -> takes(tenant, "alone"));
                assertThat(minReplicasToWrite(master, masterPort)).isEqualTo("0");
            } finally {
                RedisHostFixture.signal(replicaPid, "CONT");
            }
        }
    }

    /**
     * A whole host stalled (here: master and replica stopped together, as a paused host or agent
     * would look): the fence waits for the master to answer its agent, and still goes up as soon as
     * it does while its replica does not.
     */
    @Test
    void aMasterThatIsSilentItselfIsFencedOnceItAnswersWhileItsReplicaDoesNot() throws Exception {
        UUID master = UUID.randomUUID();
        UUID replica = UUID.randomUUID();
        int masterPort = fixture.prepareRunning(agent, master).port();
        fixture.prepareRunning(agent, replica);
        agent.follow(fixture.followRequest(replica, masterPort, 2));
        awaitSynced(agent, replica);
        configure(master, new Fencing(1, 10, true));
        long masterPid = agent.pid(master).orElseThrow();
        long replicaPid = agent.pid(replica).orElseThrow();

        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            await(Duration.ofSeconds(5), "a write is taken", () -> takes(tenant, "before"));
            RedisHostFixture.signal(replicaPid, "STOP");
            RedisHostFixture.signal(masterPid, "STOP");
            try {
                Thread.sleep(3 * RedisHostFixture.SELF_FENCE_AFTER.toMillis());
                RedisHostFixture.signal(masterPid, "CONT");
                await(Duration.ofSeconds(5), "refused once the master answers", () -> !takes(tenant, "cut off"));
            } finally {
                RedisHostFixture.signal(masterPid, "CONT");
                RedisHostFixture.signal(replicaPid, "CONT");
            }
            await(Duration.ofSeconds(5), "writes taken again", () -> takes(tenant, "after"));
        }
    }

    private static boolean takes(Jedis tenant, String value) {
        try {
            return "OK".equals(tenant.set("k", value));
        } catch (JedisDataException e) {
            assertThat(e.getMessage()).contains("NOREPLICAS");
            return false;
        }
    }

    private String minReplicasToWrite(UUID id, int port) {
        try (Jedis asAgent = fixture.connectAsAgent(id, port)) {
            return asAgent.configGet("min-replicas-to-write").get("min-replicas-to-write");
        }
    }
}
