package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.RedisProtocol;
import tools.jackson.databind.JsonNode;

/**
 * The Sentinel-compatible endpoint as unchanged clients use it: Jedis's JedisSentinelPool,
 * Lettuce's MasterReplica and its plain client with a sentinel URI, in RESP2 and RESP3, followed
 * through a promote and through an automatic failover, with every write they had acknowledged kept
 * (promote) and every write after the switch on the new master. And what the endpoint shows a
 * connection: its own set, nothing without the password, never another set.
 */
class SentinelClientsTest {

    private static final Duration BUILD = Duration.ofSeconds(90);
    /** Generous: Lettuce's MasterReplica refreshes its topology 5 s after the first event, by design. */
    private static final Duration FOLLOW = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;
    static TenantSets sets;

    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void startStack() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withIdentityPort(0)
                .withGuestPortRange("19700-19799").withProperties("redtrove.failover.block-period=2s"));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        sets = new TenantSets(trove, BUILD);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void deleteSets() throws Exception {
        for (String id : created) {
            trove.trove("DELETE", "/instances/" + id, null);
        }
        created.clear();
    }

    // ---- Jedis -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void jedisSentinelPoolFollowsAPromoteAndAFailoverKeepingEveryAcknowledgedWriteOfThePromote(
            RedisProtocol protocol) throws Exception {
        Members set = createSet("jedis-" + protocol.name().toLowerCase(), 1);
        String password = probe.password(set.master);
        var sentinelConfig = DefaultJedisClientConfig.builder().password(password).protocol(protocol).build();
        var dataConfig = DefaultJedisClientConfig.builder().password(password).protocol(protocol).build();
        try (JedisSentinelPool pool = new JedisSentinelPool(set.name, java.util.Set.of(sentinel()),
                new JedisPoolConfig(), dataConfig, sentinelConfig)) {
            assertThat(pool.getCurrentHostMaster().getPort()).isEqualTo(probe.port(set.master));
            Writer writer = new Writer(key -> {
                try (Jedis jedis = pool.getResource()) {
                    jedis.set(key, key);
                }
            });
            writer.start();
            writer.awaitAcks(20);

            String promoted = set.replicas.get(0);
            promote(promoted);
            awaitFollowed(writer, promoted);
            assertThat(pool.getCurrentHostMaster().getPort()).isEqualTo(probe.port(promoted));
            int acknowledgedByThen = writer.acknowledged.size();

            // The promoted master is killed: the set fails over to the old one, its only replica now.
            probe.awaitRole(set.master, "slave", probe.port(promoted), FOLLOW);
            awaitHealthy(promoted);
            kill(promoted);
            awaitFollowed(writer, set.master);
            writer.stop();
            assertThat(pool.getCurrentHostMaster().getPort()).isEqualTo(probe.port(set.master));
            // A kill -9 may take the last few unreplicated writes with it; those of the promote may not.
            assertAcknowledgedBefore(writer, acknowledgedByThen, set.master);
        }
    }

    // ---- Lettuce ---------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuceMasterReplicaFollowsAPromote(ProtocolVersion protocol) throws Exception {
        Members set = createSet("lettuce-mr-" + protocol.name().toLowerCase(), 1);
        String password = probe.password(set.master);
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisMasterReplicaConnection<String, String> connection = MasterReplica.connect(client,
                StringCodec.UTF8, sentinelUri(set.name, password))) {
            connection.setReadFrom(ReadFrom.UPSTREAM);
            followsAPromoteKeepingEveryWrite(set, key -> connection.sync().set(key, key));
        } finally {
            client.shutdown();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettucePlainClientWithASentinelUriFollowsAPromoteOnceItsConnectionIsClosed(ProtocolVersion protocol)
            throws Exception {
        Members set = createSet("lettuce-" + protocol.name().toLowerCase(), 1);
        String password = probe.password(set.master);
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8,
                sentinelUri(set.name, password))) {
            followsAPromoteKeepingEveryWrite(set, key -> connection.sync().set(key, key));
        } finally {
            client.shutdown();
        }
    }

    // ---- what a connection sees ------------------------------------------------------------------

    @Test
    void aSetsPasswordShowsThatSetAndItsEventsOnlyAndNoPasswordShowsNothing() throws Exception {
        Members a = createSet("seen-a", 1);
        String b = sets.createActive("seen-b");
        created.add(b);
        String nameB = probe.view(b).get("replica_set").get("name").asString();
        String passwordA = probe.password(a.master);
        String passwordB = probe.password(b);

        try (Jedis anonymous = sentinelConnection()) {
            assertThatThrownBy(() -> anonymous.sentinelGetMasterAddrByName(a.name)).hasMessageContaining("NOAUTH");
            assertThatThrownBy(() -> anonymous.auth("wrong-" + passwordA)).hasMessageContaining("WRONGPASS");
            assertThatThrownBy(anonymous::sentinelMasters).hasMessageContaining("NOAUTH");
        }
        try (Jedis seenByB = sentinelConnection()) {
            seenByB.auth(passwordB);
            assertThat(seenByB.sentinelGetMasterAddrByName(a.name)).isNull();
            assertThat(seenByB.sentinelMasters()).extracting(m -> m.get("name")).containsExactly(nameB);
            assertThat(seenByB.sentinelGetMasterAddrByName(nameB)).containsExactly("127.0.0.1",
                    Integer.toString(probe.port(b)));
            assertThatThrownBy(() -> seenByB.sentinelReplicas(a.name)).hasMessageContaining("No such master");
        }
        try (Jedis seenByA = sentinelConnection()) {
            seenByA.auth("default", passwordA);
            Map<String, String> master = seenByA.sentinelMasters().get(0);
            assertThat(master).containsEntry("name", a.name).containsEntry("flags", "master")
                    .containsEntry("port", Integer.toString(probe.port(a.master))).containsEntry("num-slaves", "1")
                    .containsKeys("num-other-sentinels", "config-epoch", "quorum");
            assertThat(seenByA.sentinelReplicas(a.name)).singleElement().satisfies(r -> assertThat(r)
                    .containsEntry("flags", "slave").containsEntry("master-link-status", "ok")
                    .containsEntry("port", Integer.toString(probe.port(a.replicas.get(0)))));
        }

        Events ofA = Events.subscribe(sentinel(), passwordA);
        Events ofB = Events.subscribe(sentinel(), passwordB);
        try {
            String promoted = a.replicas.get(0);
            promote(promoted);
            String expected = a.name + " 127.0.0.1 " + probe.port(a.master) + " 127.0.0.1 " + probe.port(promoted);
            ofA.await("+switch-master", expected, FOLLOW);
            ofA.await("+slave", "slave 127.0.0.1:" + probe.port(a.master) + " 127.0.0.1 " + probe.port(a.master)
                    + " @ " + a.name + " 127.0.0.1 " + probe.port(promoted), FOLLOW);
            Thread.sleep(500); // B's subscriber had every chance to hear of it
            assertThat(ofB.received).as("events of another set").isEmpty();
        } finally {
            ofA.close();
            ofB.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private record Members(String name, String master, List<String> replicas) {
    }

    private Members createSet(String name, int replicas) throws Exception {
        String master = sets.createActive(name);
        created.add(master);
        List<String> ids = sets.createReplicas(master, name + "-r", replicas);
        created.addAll(0, ids);
        for (String id : ids) {
            probe.awaitRole(id, "slave", probe.port(master), BUILD);
        }
        awaitHealthy(master);
        return new Members(probe.view(master).get("replica_set").get("name").asString(), master, ids);
    }

    /**
     * Writes through {@code write} while the set's replica is promoted: the writes reach the new
     * master, and every write acknowledged until then is on it.
     */
    private void followsAPromoteKeepingEveryWrite(Members set, Consumer<String> write) throws Exception {
        Writer writer = new Writer(write);
        writer.start();
        writer.awaitAcks(20);
        String promoted = set.replicas.get(0);
        promote(promoted);
        awaitFollowed(writer, promoted);
        writer.stop();
        assertAcknowledgedBefore(writer, writer.acknowledged.size(), promoted);
    }

    private void promote(String replica) throws Exception {
        var reply = trove.trove("POST", "/instances/" + replica + "/action", "{\"promote_to_replica_source\":{}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        JsonNode job = probe.awaitJob(replica, "PROMOTE", FOLLOW);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
    }

    private void kill(String master) throws Exception {
        for (long pid : RedisProcesses.serving(probe.port(master))) {
            RedisProcesses.signal("KILL", pid);
        }
    }

    /** Waits until the set of {@code member} is HEALTHY: its failover must not be blocked or confused. */
    private void awaitHealthy(String member) throws Exception {
        String name = probe.view(member).get("replica_set").get("name").asString();
        long deadline = System.nanoTime() + FOLLOW.toNanos();
        String situation = null;
        while (System.nanoTime() < deadline) {
            situation = trove.trove("GET", "/replica-sets/" + name, null).json().get("replica_set")
                    .get("situation").asString();
            if ("HEALTHY".equals(situation)) {
                Thread.sleep(2500); // past the anti-flapping block of the previous switch
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " is " + situation + ", not HEALTHY");
    }

    /**
     * Waits until {@code newMaster} answers as a master and then a write the client acknowledged
     * after that is on it, read there directly: proof the client writes to the new master, not a
     * write of the old one that reached it through replication. Prints how long it took.
     */
    private void awaitFollowed(Writer writer, String newMaster) throws Exception {
        long switched = System.nanoTime();
        long deadline = switched + FOLLOW.toNanos();
        int port = probe.port(newMaster);
        String password = probe.password(newMaster);
        int afterPromotion = -1;
        while (System.nanoTime() < deadline) {
            // A new connection each time: the promotion closes the tenant's connections to the node.
            try (Jedis direct = new Jedis("127.0.0.1", port)) {
                direct.auth(password);
                if (afterPromotion < 0) {
                    if (direct.info("replication").contains("role:master")) {
                        afterPromotion = writer.acknowledged.size();
                    }
                } else {
                    List<String> acked = writer.acknowledged;
                    for (int i = acked.size() - 1; i >= afterPromotion; i--) {
                        if (acked.get(i).equals(direct.get(acked.get(i)))) {
                            System.out.printf("followed to %s after %d ms (%d writes refused meanwhile)%n",
                                    newMaster, (System.nanoTime() - switched) / 1_000_000, writer.refused.get());
                            return;
                        }
                    }
                }
            } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
                // closed by the promotion: look again
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the client's writes did not reach the new master " + newMaster + " within "
                + FOLLOW + "; last error: " + writer.lastError);
    }

    /** Every write the client had acknowledged before {@code count} is on {@code master}. */
    private void assertAcknowledgedBefore(Writer writer, int count, String master) throws Exception {
        try (Jedis direct = probe.tenant(master)) {
            for (String key : writer.acknowledged.subList(0, count)) {
                assertThat(direct.get(key)).as("acknowledged write " + key).isEqualTo(key);
            }
        }
    }

    private static HostAndPort sentinel() {
        return new HostAndPort("127.0.0.1", stack.sentinelPort());
    }

    private static Jedis sentinelConnection() {
        return new Jedis("127.0.0.1", stack.sentinelPort());
    }

    private static RedisURI sentinelUri(String name, String password) {
        RedisURI sentinel = RedisURI.Builder.redis("127.0.0.1", stack.sentinelPort())
                .withPassword(password.toCharArray()).build();
        return RedisURI.builder().withSentinelMasterId(name).withSentinel(sentinel)
                .withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(2)).build();
    }

    /** A client writing distinct keys as fast as it is answered, counting what it acknowledged. */
    private static final class Writer implements Runnable {

        final List<String> acknowledged = new CopyOnWriteArrayList<>();
        final AtomicLong refused = new AtomicLong();
        volatile String lastError;
        private final Consumer<String> write;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this, "sentinel-client-writer");
        private final String prefix = "w-" + System.nanoTime() + "-";

        Writer(Consumer<String> write) {
            this.write = write;
        }

        void start() {
            thread.start();
        }

        @Override
        public void run() {
            long n = 0;
            while (running.get()) {
                String key = prefix + n++;
                try {
                    write.accept(key);
                    acknowledged.add(key);
                } catch (RuntimeException e) {
                    refused.incrementAndGet();
                    lastError = e.toString();
                    sleep(10);
                }
                sleep(5);
            }
        }

        void awaitAcks(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (acknowledged.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(acknowledged.size()).as("writes acknowledged; last error " + lastError)
                    .isGreaterThanOrEqualTo(count);
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A PSUBSCRIBE * connection to the endpoint, recording channel and message of every event. */
    private static final class Events extends JedisPubSub {

        final List<String> received = new CopyOnWriteArrayList<>();
        private final Jedis jedis;
        private final Thread thread;

        private Events(Jedis jedis) {
            this.jedis = jedis;
            this.thread = new Thread(() -> jedis.psubscribe(this, "*"), "sentinel-events");
        }

        static Events subscribe(HostAndPort sentinel, String password) throws InterruptedException {
            Jedis jedis = new Jedis(sentinel.getHost(), sentinel.getPort());
            jedis.auth(password);
            Events events = new Events(jedis);
            events.thread.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!events.isSubscribed() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(events.isSubscribed()).isTrue();
            return events;
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            received.add(channel + " " + message);
        }

        void await(String channel, String message, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!received.contains(channel + " " + message) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(received).contains(channel + " " + message);
        }

        void close() throws InterruptedException {
            if (isSubscribed()) {
                punsubscribe();
            }
            thread.join(5000);
            jedis.close();
        }
    }
}
