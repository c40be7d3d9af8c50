package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.redtrove.guestagent.redis.RedisHostFixture.MAXMEMORY;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.connect;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.AccessState;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A tenant logs in with the set's password alone and keeps every data command, but none that would
 * change the set's replication, persistence, limits, users or the server; the agent keeps them all.
 */
class TenantAccessTest {

    @TempDir
    Path dataDir;
    private RedisHostFixture fixture;
    private RedisHost agent;
    private UUID id;
    private int port;

    @BeforeEach
    void prepareOneInstance() {
        fixture = new RedisHostFixture(dataDir);
        agent = fixture.startAgent(true);
        id = UUID.randomUUID();
        port = fixture.prepareRunning(agent, id).port();
    }

    @AfterEach
    void stopEverything() {
        fixture.close();
    }

    @Test
    void tenantKeepsEveryDataCommand() throws Exception {
        assertThat(agent.describe(id).access()).isEqualTo(AccessState.RESTRICTED);
        try (Jedis tenant = connect(port, PASSWORD)) {
            assertThat(tenant.aclWhoAmI()).isEqualTo("default");
            tenant.set("k", "v");
            assertThat(tenant.get("k")).isEqualTo("v");
            assertThat(tenant.keys("*")).containsExactly("k");
            tenant.del("k");
            tenant.xadd("events", StreamEntryID.NEW_ENTRY, Map.of("field", "value"));
            assertThat(tenant.xlen("events")).isEqualTo(1);
            assertThat(tenant.eval("return redis.call('incr', KEYS[1])", List.of("counter"), List.of()))
                    .isEqualTo(1L);
            Transaction multi = tenant.multi();
            multi.set("a", "1");
            multi.incr("a");
            assertThat(multi.exec()).containsExactly("OK", 2L);
            assertThat(tenant.flushDB()).isEqualTo("OK");
            assertThat(tenant.flushAll()).isEqualTo("OK");
            assertThat(tenant.dbSize()).isZero();
            assertThat(tenant.info("replication")).contains("role:master");
        }
        assertThat(receivesWhatIsPublished()).isEqualTo("hello");
    }

    private String receivesWhatIsPublished() throws Exception {
        CountDownLatch subscribed = new CountDownLatch(1);
        CompletableFuture<String> received = new CompletableFuture<>();
        JedisPubSub subscriber = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                received.complete(message);
                unsubscribe();
            }
        };
        Thread listening = new Thread(() -> {
            try (Jedis tenant = connect(port, PASSWORD)) {
                tenant.subscribe(subscriber, "news");
            } catch (RuntimeException e) {
                received.completeExceptionally(e);
            }
        });
        listening.start();
        assertThat(subscribed.await(5, TimeUnit.SECONDS)).as("subscribed").isTrue();
        try (Jedis tenant = connect(port, PASSWORD)) {
            tenant.publish("news", "hello");
        }
        return received.get(5, TimeUnit.SECONDS);
    }

    @Test
    void tenantCannotChangeReplicationPersistenceLimitsUsersOrTheServer() {
        try (Jedis tenant = connect(port, PASSWORD)) {
            refused(tenant, Command.REPLICAOF, "NO", "ONE");
            refused(tenant, Command.SLAVEOF, "127.0.0.1", "1");
            refused(tenant, Command.CONFIG, "SET", "requirepass", "mine");
            refused(tenant, Command.CONFIG, "SET", "maxmemory", "0");
            // CONFIG GET too: on a replica it would show masterauth, the replication password.
            refused(tenant, Command.CONFIG, "GET", "masterauth");
            refused(tenant, Command.ACL, "SETUSER", "intruder", "on", ">x", "+@all");
            refused(tenant, Command.ACL, "LIST");
            refused(tenant, Command.SHUTDOWN, "NOSAVE");
            refused(tenant, Command.FAILOVER);
            refused(tenant, Command.BGSAVE);
            refused(tenant, Command.SAVE);
            refused(tenant, Command.BGREWRITEAOF);
            refused(tenant, Command.MONITOR);
            refused(tenant, Command.CLIENT, "KILL", "TYPE", "master");
            refused(tenant, Command.CLIENT, "PAUSE", "1000", "WRITE");
            refused(tenant, Command.MODULE, "LIST");
            refused(tenant, Command.SCRIPT, "DEBUG", "YES");
            // DEBUG is refused before ACLs are consulted (enable-debug-command is off, Redis's
            // default); the ACL would refuse it too, should an operator turn it on.
            ProtocolCommand debug = () -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> tenant.sendCommand(debug, "SLEEP", "0"))
                    .isInstanceOf(JedisDataException.class).hasMessageContaining("DEBUG command not allowed");
        }
        try (Jedis admin = fixture.connectAsAgent(id, port)) {
            assertThat(admin.aclDryRun("default", "debug", "sleep", "0")).contains("no permissions");
            assertThat(admin.configGet("maxmemory").get("maxmemory")).isEqualTo(Long.toString(MAXMEMORY));
            assertThat(admin.info("replication")).contains("role:master");
            assertThat(admin.aclUsers()).containsExactlyInAnyOrder("default", "redtrove-agent", "redtrove-replica");
        }
    }

    private static void refused(Jedis tenant, ProtocolCommand command, String... args) {
        assertThatThrownBy(() -> tenant.sendCommand(command, args))
                .as(command + " " + String.join(" ", args))
                .isInstanceOf(JedisDataException.class).hasMessageContaining("NOPERM");
    }

    private static String dryRun(Jedis admin, String user, List<String> command) {
        return admin.aclDryRun(user, command.get(0), command.subList(1, command.size()).toArray(String[]::new));
    }

    @Test
    void agentUserMayDoWhatTheTenantMayNot() {
        try (Jedis admin = fixture.connectAsAgent(id, port)) {
            assertThat(admin.aclWhoAmI()).isEqualTo("redtrove-agent");
            assertThat(admin.replicaofNoOne()).isEqualTo("OK");
            assertThat(admin.configSet("maxmemory", Long.toString(MAXMEMORY + 1))).isEqualTo("OK");
            assertThat(admin.aclSetUser("someone", "off")).isEqualTo("OK");
            assertThat(admin.aclDelUser("someone")).isEqualTo(1);
            assertThat(admin.bgsave()).contains("Background saving started");
            for (List<String> command : List.of(List.of("shutdown"), List.of("failover"), List.of("monitor"),
                    List.of("replicaof", "127.0.0.1", "1"), List.of("config", "set", "appendonly", "no"))) {
                assertThat(dryRun(admin, "redtrove-agent", command)).as(command.toString()).isEqualTo("OK");
            }
        }
    }

    @Test
    void replicationUserMayOnlyReplicate() {
        try (Jedis admin = fixture.connectAsAgent(id, port)) {
            for (List<String> command : List.of(List.of("psync", "?", "-1"), List.of("replconf", "ack", "0"),
                    List.of("ping"))) {
                assertThat(dryRun(admin, "redtrove-replica", command)).as(command.toString()).isEqualTo("OK");
            }
            for (List<String> command : List.of(List.of("get", "k"), List.of("set", "k", "v"), List.of("keys", "*"),
                    List.of("config", "get", "masterauth"), List.of("replicaof", "no", "one"))) {
                assertThat(dryRun(admin, "redtrove-replica", command)).as(command.toString())
                        .contains("no permissions");
            }
        }
    }
}
