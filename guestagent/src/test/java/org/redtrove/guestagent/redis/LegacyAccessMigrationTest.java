package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.redtrove.guestagent.redis.RedisHostFixture.MAXMEMORY;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.REPLICATION_PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.STARTUP;
import static org.redtrove.guestagent.redis.RedisHostFixture.await;
import static org.redtrove.guestagent.redis.RedisHostFixture.awaitSynced;
import static org.redtrove.guestagent.redis.RedisHostFixture.connect;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.AccessState;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Instances created before ACLs (requirepass, replicas logging in as the default user) are adopted as
 * they are and moved to the users live, in ConfigureAccess's two phases: same processes, and the
 * replica continues by partial resync, never a full one.
 */
class LegacyAccessMigrationTest {

    @TempDir
    Path dataDir;
    private RedisHostFixture fixture;
    private final UUID masterId = UUID.randomUUID();
    private final UUID replicaId = UUID.randomUUID();
    private int masterPort;
    private int replicaPort;

    @BeforeEach
    void writeALegacyPair() throws IOException {
        fixture = new RedisHostFixture(dataDir);
        masterPort = freePort(27500);
        replicaPort = freePort(masterPort + 1);
        OldAgentFiles.write(fixture.instanceDir(masterId), masterId, masterPort, null);
        OldAgentFiles.write(fixture.instanceDir(replicaId), replicaId, replicaPort, masterPort);
    }

    @AfterEach
    void stopEverything() {
        fixture.close();
    }

    private static int freePort(int from) {
        for (int port = from; port < 28000; port++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException e) {
                // taken, try the next
            }
        }
        throw new IllegalStateException("no free port from " + from);
    }

    private GuestRequest.ConfigureAccess access(UUID id, boolean restrictTenant) {
        return new GuestRequest.ConfigureAccess(id, REPLICATION_PASSWORD, restrictTenant);
    }

    private Map<String, String> masterStats() {
        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            return InfoReplication.fields(tenant.info("stats"));
        }
    }

    private RedisHost agentWithRunningLegacyPair() {
        RedisHost starter = fixture.startAgent(false);
        await(STARTUP, "both RUNNING", () -> starter.describe(masterId).state() == RedisState.RUNNING
                && starter.describe(replicaId).state() == RedisState.RUNNING);
        awaitSynced(starter, replicaId);
        starter.close(); // leaves both running: the upgraded agent adopts them
        return fixture.startAgent(false); // and leaves them running too, for the next one
    }

    @Test
    void legacyPairMovesToUsersAndRestrictionLiveWithoutAFullResync() throws Exception {
        RedisHost agent = agentWithRunningLegacyPair();
        long masterPid = agent.pid(masterId).orElseThrow();
        long replicaPid = agent.pid(replicaId).orElseThrow();
        await(STARTUP, "adopted and RUNNING", () -> agent.describe(replicaId).state() == RedisState.RUNNING);
        InstanceReport legacy = agent.describe(replicaId);
        assertThat(legacy.access()).isEqualTo(AccessState.LEGACY);
        assertThat(legacy.membership()).as("instance.json of an older agent").isNull();
        assertThat(legacy.replication().syncCompleted()).isTrue();
        await(Duration.ofSeconds(5), "a legacy replica's agent PINGs its master as the default user",
                () -> agent.describe(replicaId).replication().millisSinceMasterAnswered() >= 0);
        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            tenant.set("before", "migration");
        }
        Map<String, String> before = masterStats();

        // Phase 1, master first: the replica's switch needs the replication user on its master.
        assertThat(agent.configureAccess(access(masterId, false)).access()).isEqualTo(AccessState.USERS);
        assertThat(agent.configureAccess(access(replicaId, false)).access()).isEqualTo(AccessState.USERS);

        await(Duration.ofSeconds(10), "the replica's link runs as the replication user", () -> {
            try (Jedis master = fixture.connectAsAgent(masterId, masterPort)) {
                return master.clientList(ClientType.REPLICA).contains("user=redtrove-replica");
            }
        });
        awaitSynced(agent, replicaId);
        Map<String, String> afterPhase1 = masterStats();
        assertThat(afterPhase1.get("sync_full")).isEqualTo(before.get("sync_full"));
        assertThat(Long.parseLong(afterPhase1.get("sync_partial_ok")))
                .isGreaterThan(Long.parseLong(before.get("sync_partial_ok")));
        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            assertThat(tenant.configGet("maxmemory")).as("phase 1 leaves the tenant unrestricted")
                    .containsEntry("maxmemory", Long.toString(MAXMEMORY));
        }
        String conf = Files.readString(fixture.instanceDir(replicaId).resolve("redis.conf"));
        assertThat(conf).doesNotContain("requirepass").doesNotContain("masterauth")
                .contains("user redtrove-agent on").contains("maxmemory-policy noeviction");
        assertThat(Files.readString(fixture.instanceDir(replicaId).resolve("replication.conf")))
                .contains("masteruser redtrove-replica");

        // Phase 2, once every member has the replication user.
        assertThat(agent.configureAccess(access(masterId, true)).access()).isEqualTo(AccessState.RESTRICTED);
        assertThat(agent.configureAccess(access(replicaId, true)).access()).isEqualTo(AccessState.RESTRICTED);
        // Both phases again, as a redelivered job sends them: nothing changes.
        assertThat(agent.configureAccess(access(masterId, true)).access()).isEqualTo(AccessState.RESTRICTED);
        assertThat(agent.configureAccess(access(replicaId, false)).access()).isEqualTo(AccessState.RESTRICTED);

        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            assertThatThrownBy(() -> tenant.configSet("maxmemory", "0")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("NOPERM");
            tenant.set("after", "migration");
        }
        try (Jedis replica = connect(replicaPort, PASSWORD)) {
            await(Duration.ofSeconds(5), "the write replicated", () -> "migration".equals(replica.get("after")));
            assertThat(replica.get("before")).isEqualTo("migration");
        }
        try (Jedis master = fixture.connectAsAgent(masterId, masterPort)) {
            assertThat(master.aclLog()).singleElement().satisfies(e -> assertThat(e.getObject()).isEqualTo("config|set"));
            master.aclLogReset(); // the tenant's refused CONFIG SET above
            Thread.sleep(1500); // a REPLCONF ACK or two: they must not be refused
            assertThat(master.aclLog()).as("nothing refused on the master since").isEmpty();
        }
        assertThat(masterStats().get("sync_full")).isEqualTo(before.get("sync_full"));
        assertThat(agent.pid(masterId)).hasValue(masterPid);
        assertThat(agent.pid(replicaId)).hasValue(replicaPid);
        awaitSynced(agent, replicaId);

        // The next agent adopts the migrated instances as they are.
        agent.close();
        RedisHost next = fixture.startAgent(true);
        assertThat(next.pid(masterId)).hasValue(masterPid);
        assertThat(next.pid(replicaId)).hasValue(replicaPid);
        await(STARTUP, "RUNNING under the next agent",
                () -> next.describe(replicaId).state() == RedisState.RUNNING
                        && next.describe(masterId).state() == RedisState.RUNNING);
        assertThat(next.describe(masterId).access()).isEqualTo(AccessState.RESTRICTED);
    }

    @Test
    void replicaGivenItsUsersBeforeItsMasterIsRefusedAndKeepsItsLink() throws Exception {
        RedisHost agent = agentWithRunningLegacyPair();
        await(STARTUP, "adopted and RUNNING", () -> agent.describe(replicaId).state() == RedisState.RUNNING);
        Path replication = fixture.instanceDir(replicaId).resolve("replication.conf");
        String before = Files.readString(replication);

        assertThatThrownBy(() -> agent.configureAccess(access(replicaId, false)))
                .isInstanceOf(GuestOperationException.class)
                .hasMessageContaining("does not accept the replication user yet");

        assertThat(agent.describe(replicaId).access()).isEqualTo(AccessState.LEGACY);
        assertThat(Files.readString(replication)).isEqualTo(before);
        awaitSynced(agent, replicaId);
    }

    @Test
    void masterIsNotRestrictedWhileAReplicaStillLogsInAsTheTenant() throws Exception {
        RedisHost agent = agentWithRunningLegacyPair();
        await(STARTUP, "adopted and RUNNING", () -> agent.describe(masterId).state() == RedisState.RUNNING);
        agent.configureAccess(access(masterId, false)); // the replica skipped: still the default user

        assertThatThrownBy(() -> agent.configureAccess(access(masterId, true)))
                .isInstanceOf(GuestOperationException.class)
                .hasMessageContaining("still log in to it as the default user");

        assertThat(agent.describe(masterId).access()).isEqualTo(AccessState.USERS);
        try (Jedis tenant = connect(masterPort, PASSWORD)) {
            assertThat(tenant.configGet("maxmemory")).containsKey("maxmemory"); // not restricted
            tenant.set("still", "replicated");
        }
        try (Jedis replica = connect(replicaPort, PASSWORD)) {
            await(Duration.ofSeconds(5), "the write replicated", () -> "replicated".equals(replica.get("still")));
        }
    }

    @Test
    void restrictingALegacyInstanceGivesItItsUsersFirst() {
        RedisHost agent = agentWithRunningLegacyPair();
        await(STARTUP, "adopted and RUNNING", () -> agent.describe(replicaId).state() == RedisState.RUNNING);
        agent.configureAccess(access(masterId, false));

        InstanceReport report = agent.configureAccess(access(replicaId, true)); // LEGACY, straight to phase 2

        assertThat(report.access()).isEqualTo(AccessState.RESTRICTED);
        assertThat(report.state()).isEqualTo(RedisState.RUNNING);
        try (Jedis tenant = connect(replicaPort, PASSWORD)) {
            assertThatThrownBy(() -> tenant.replicaofNoOne()).hasMessageContaining("NOPERM");
        }
        try (Jedis admin = fixture.connectAsAgent(replicaId, replicaPort)) {
            assertThat(admin.aclWhoAmI()).isEqualTo("redtrove-agent");
        }
        awaitSynced(agent, replicaId);
        // Its master may now be restricted: no replica logs in to it as the tenant any more.
        assertThat(agent.configureAccess(access(masterId, true)).access()).isEqualTo(AccessState.RESTRICTED);
    }

    /** A copy of how the agent wrote an instance's files before ACLs, memberships and fencing. */
    static final class OldAgentFiles {

        static void write(Path dir, UUID id, int port, Integer masterPort) throws IOException {
            Files.createDirectories(dir);
            String pw = ReplicationSettings.ConfigText.quote(PASSWORD);
            StringBuilder replication = new StringBuilder(
                    "# Written by the RedTrove guest agent and replaced whole on every replication change.\n");
            if (masterPort != null) {
                replication.append("# replica\nreplicaof 127.0.0.1 ").append(masterPort).append('\n')
                        .append("masterauth ").append(pw).append('\n').append("replica-read-only yes\n");
            }
            Files.writeString(dir.resolve("replication.conf"), replication);
            Files.writeString(dir.resolve("redis.conf"), String.join("\n",
                    "# Written by the RedTrove guest agent when the instance was prepared.",
                    "port " + port,
                    "bind 127.0.0.1",
                    "requirepass " + pw,
                    "masterauth " + pw,
                    "maxmemory " + MAXMEMORY,
                    "maxmemory-policy noeviction",
                    "appendonly yes",
                    "save \"\"",
                    "dir " + quote(dir),
                    "pidfile " + quote(dir.resolve("redis.pid")),
                    "logfile " + quote(dir.resolve("redis.log")),
                    "daemonize no",
                    "repl-diskless-sync-delay 0",
                    "include " + quote(dir.resolve("replication.conf")),
                    ""));
            Files.writeString(dir.resolve("instance.json"), "{\"id\":\"" + id + "\",\"port\":" + port
                    + ",\"maxmemoryBytes\":" + MAXMEMORY + ",\"syncedWith\":null}");
        }

        private static String quote(Path p) {
            return ReplicationSettings.ConfigText.quote(p.toAbsolutePath().normalize().toString());
        }
    }
}
