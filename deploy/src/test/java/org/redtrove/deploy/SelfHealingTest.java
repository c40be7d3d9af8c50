package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * Self-healing sets end to end, on real redis-servers spread over three guest agents standing for
 * three hosts: tenants cannot break a set, a divergence is repaired, and a master that dies (its
 * process killed, hung, or its whole host lost) is failed over exactly once, to a replica holding
 * every write a replica acknowledged, while a short stall causes nothing. Every test ends with the
 * API's topology matching every member's real role.
 */
class SelfHealingTest {

    private static final Duration BUILD = Duration.ofSeconds(90);
    private static final Duration FAILOVER = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;
    static final Map<String, ConfigurableApplicationContext> hosts = new HashMap<>();
    static final Map<String, String> portRanges = Map.of("host-b", "19500-19599", "host-c", "19600-19699");

    private final List<String> created = new ArrayList<>();
    private final List<Long> stopped = new ArrayList<>();

    @BeforeAll
    static void startStack() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19400-19499")
                .withProperties("redtrove.failover.block-period=2s"));
        for (var host : portRanges.entrySet()) {
            hosts.put(host.getKey(), stack.startExtraGuestAgent(host.getKey(), host.getValue(), false));
        }
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        awaitHosts(portRanges.size());
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
        // The extra hosts keep their Redis when their agent stops, as a crashed agent would.
        for (String host : portRanges.keySet()) {
            killRedisOf(stack.extraGuestDataDir(host));
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (long pid : stopped) {
            signal("CONT", pid);
        }
        stopped.clear();
        List<String> order = new ArrayList<>();
        for (String id : created) {
            JsonNode view = view(id);
            if (view != null && view.has("replica_of")) {
                order.add(0, id);
            } else if (view != null) {
                order.add(id);
            }
        }
        for (String id : order) {
            trove.trove("DELETE", "/instances/" + id, null);
        }
        created.clear();
    }

    // ---- tenants ---------------------------------------------------------------------------------

    @Test
    void tenantsKeepTheirDataCommandsButCannotChangeRolesConfigOrUsers() throws Exception {
        Members set = createSet("acl", 1);
        try (Jedis tenant = tenant(set.replicas().get(0))) {
            assertThatThrownBy(tenant::replicaofNoOne).hasMessageContaining("NOPERM");
        }
        try (Jedis tenant = tenant(set.master())) {
            tenant.set("k", "v");
            assertThat(tenant.get("k")).isEqualTo("v");
            assertThatThrownBy(() -> tenant.configSet("requirepass", "mine")).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> tenant.configSet("maxmemory", "0")).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> tenant.aclSetUser("me", "on", ">pw", "+@all")).hasMessageContaining("NOPERM");
            // ROLE only reads: Sentinel clients may check with it that they were given the master.
            assertThat(String.valueOf(tenant.role().get(0))).isEqualTo("master");
        }
        assertApiMatchesRedis(set);
    }

    // ---- reconciliation --------------------------------------------------------------------------

    @Test
    void aReplicaMadeMasterBehindOurBackThatTookNoWritesFollowsItsMasterAgain() throws Exception {
        Members set = createSet("diverge", 1);
        String replica = set.replicas().get(0);
        try (Jedis agent = agent(replica)) {
            agent.replicaofNoOne(); // as only someone with the agent's own password could
        }
        awaitRole(replica, "slave", port(set.master()), Duration.ofSeconds(10));
        JsonNode repair = awaitJob(set.master(), "RECONCILE");
        assertThat(repair.get("state").asString()).as(repair.toString()).isEqualTo("SUCCEEDED");
        assertThat(repair.get("progress").get("plan").toString()).contains("took no writes");
        // Fenced while it had no replica (NOREPLICAS), the master takes writes again once its
        // replica is back and answers.
        try (Jedis master = tenant(set.master())) {
            SetProbe.setWhenTaken(master, "after-repair", "replicated");
        }
        awaitValue(replica, "after-repair", "replicated");
        assertApiMatchesRedis(set);
    }

    @Test
    void aReplicaMadeMasterBehindOurBackThatTookWritesIsShownDivergedNotRepaired() throws Exception {
        Members set = createSet("diverge-w", 1);
        String replica = set.replicas().get(0);
        try (Jedis agent = agent(replica)) {
            // Promoted and written to in one step, before the supervisor can look (a writable
            // replica, so that the write is queued at all).
            agent.configSet("replica-read-only", "no");
            var tx = agent.multi();
            tx.sendCommand(redis.clients.jedis.Protocol.Command.REPLICAOF, "NO", "ONE");
            tx.set("second-master", "write");
            tx.exec();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode shown = view(replica);
        while (!"ERROR".equals(shown.get("status").asString()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            shown = view(replica);
        }
        assertThat(shown.get("status").asString()).isEqualTo("ERROR");
        assertThat(shown.get("fault").get("message").asString()).contains("bytes of writes of its own");
        String setName = shown.get("replica_set").get("name").asString();
        assertThat(trove.trove("GET", "/replica-sets/" + setName, null).json().get("replica_set").get("situation")
                .asString()).isEqualTo("DIVERGENT_TOPOLOGY");
        Thread.sleep(1000);
        assertThat(role(replica)).as("not repaired: that would throw its write away").isEqualTo("master");
        try (Jedis tenant = tenant(replica)) {
            assertThat(tenant.get("second-master")).isEqualTo("write");
        }
        // Detaching it makes the record agree: it becomes a set of its own, as it already is.
        assertThat(trove.trove("PATCH", "/instances/" + replica, "{\"instance\":{\"replica_of\":null}}").status())
                .isEqualTo(202);
        assertApiMatchesRedis(new Members(set.master(), List.of()));
        assertApiMatchesRedis(new Members(replica, List.of()));
    }

    // ---- automatic failover ----------------------------------------------------------------------

    @Test
    void aKilledMasterProcessFailsOverOnceKeepingEveryWriteAReplicaAcknowledged() throws Exception {
        Members set = createSet("killed", 2);
        AckedWriter writer = new AckedWriter(port(set.master()), password(set.master()));
        Thread thread = new Thread(writer, "acked-writer");
        thread.start();
        writer.awaitAcks(200);
        long pid = pid(set.master());

        signal("KILL", pid);
        String newMaster = awaitNewMaster(set);
        writer.stop();
        thread.join();

        assertThat(set.replicas()).contains(newMaster);
        assertThat(ejects(set.master())).as("exactly one failover").isEqualTo(1);
        JsonNode job = latestJob(set.master(), "EJECT");
        assertThat(job.get("progress").get("reason").asString()).contains("MASTER_PROCESS_EXITED");
        try (Jedis redis = tenant(newMaster)) {
            for (long key : writer.acknowledgedByAReplica()) {
                assertThat(redis.get("w-" + key)).as("write " + key + " that a replica acknowledged")
                        .isEqualTo("v" + key);
            }
            redis.set("after-failover", "yes");
        }
        // The old master, held by its agent after the crash, rejoins as a replica of the new one.
        awaitRole(set.master(), "slave", port(newMaster), FAILOVER);
        awaitValue(set.master(), "after-failover", "yes");
        assertApiMatchesRedis(set.withMaster(newMaster));
        assertThat(view(set.master()).get("replica_set").get("epoch").asLong()).isEqualTo(2);
    }

    @Test
    void aHungMasterFailsOverAndComesBackAsAReplicaWithoutTakingAWrite() throws Exception {
        Members set = createSet("hung", 2);
        long pid = pid(set.master());
        stop(pid);
        String newMaster = awaitNewMaster(set);
        resume(pid);

        assertThat(ejects(set.master())).isEqualTo(1);
        assertThat(latestJob(set.master(), "EJECT").get("progress").get("reason").asString())
                .contains("HUNG_MASTER");
        // Once the failover is committed the old master never acknowledges a write again.
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int acknowledged = 0;
        while (System.nanoTime() < until) {
            try (Jedis old = new Jedis("127.0.0.1", port(set.master()), 500)) {
                old.auth(password(set.master()));
                old.set("on-old-master", "lost");
                acknowledged++;
            } catch (RuntimeException refused) {
                // READONLY, NOREPLICAS, or restarting: all fine
            }
            Thread.sleep(50);
        }
        assertThat(acknowledged).as("writes the old master acknowledged after the failover").isZero();
        awaitRole(set.master(), "slave", port(newMaster), FAILOVER);
        try (Jedis redis = tenant(newMaster)) {
            assertThat(redis.get("on-old-master")).isNull();
        }
        assertApiMatchesRedis(set.withMaster(newMaster));
    }

    @Test
    void aStallShorterThanTheDetectionBoundIsNoFailover() throws Exception {
        Members set = createSet("stall", 1);
        long pid = pid(set.master());
        for (int i = 0; i < 5; i++) {
            stop(pid);
            Thread.sleep(500);
            resume(pid);
            Thread.sleep(2000);
        }
        assertThat(ejects(set.master())).as("false failovers").isZero();
        assertThat(view(set.master()).get("replica_set").get("epoch").asLong()).isEqualTo(1);
        assertThat(pid(set.master())).isEqualTo(pid);
        assertApiMatchesRedis(set);
    }

    @Test
    void aLostHostFailsOverAndItsOldMasterRejoinsWhenTheHostIsBack() throws Exception {
        Members set = createSet("lost", 2);
        String host = hostOf(set.master());
        loseHost(host);
        String newMaster = awaitNewMaster(set);
        assertThat(ejects(set.master())).isEqualTo(1);
        assertThat(latestJob(set.master(), "EJECT").get("progress").get("reason").asString())
                .contains("LOST_HOST");
        try (Jedis redis = tenant(newMaster)) {
            redis.set("while-lost", "written");
        }
        // The host stays away until the failover is over, so the eject's own fence cannot reach
        // the old master: it comes back held (its redis-server died as a master) and must still rejoin.
        JsonNode eject = awaitJob(set.master(), "EJECT");
        assertThat(eject.get("progress").get("oldMasterFenced").asString()).startsWith("not yet");
        bringBack(host);
        awaitRole(set.master(), "slave", port(newMaster), FAILOVER);
        awaitValue(set.master(), "while-lost", "written");
        assertApiMatchesRedis(set.withMaster(newMaster));
    }

    @Test
    void twoTaskmanagersRacingFailTheSetOverOnce() throws Exception {
        ConfigurableApplicationContext second = stack.startExtraTaskmanager();
        try {
            Members set = createSet("race", 2);
            signal("KILL", pid(set.master()));
            String newMaster = awaitNewMaster(set);
            Thread.sleep(2000); // time for a second failover, were there one
            assertThat(ejects(set.master())).as("failovers for one failure").isEqualTo(1);
            awaitRole(set.master(), "slave", port(newMaster), FAILOVER);
            assertApiMatchesRedis(set.withMaster(newMaster));
        } finally {
            second.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A set as recorded at one moment: its master and its replicas. */
    record Members(String master, List<String> replicas) {

        List<String> all() {
            List<String> all = new ArrayList<>(List.of(master));
            all.addAll(replicas);
            return all;
        }

        Members withMaster(String newMaster) {
            List<String> others = new ArrayList<>(all());
            others.remove(newMaster);
            return new Members(newMaster, others);
        }
    }

    private Members createSet(String name, int replicas) throws Exception {
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":\"1\"}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        String master = reply.json().get("instance").get("id").asString();
        created.add(master);
        trove.awaitStatus(master, BUILD, "ACTIVE");
        try (Jedis redis = tenant(master)) {
            redis.set("seed", name);
        }
        var rep = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"" + name + "-r\",\"replica_of\":\""
                + master + "\",\"replica_count\":" + replicas + "}}");
        assertThat(rep.status()).as(rep.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        view(master).get("replicas").forEach(r -> ids.add(r.get("id").asString()));
        created.addAll(0, ids);
        for (String id : ids) {
            trove.awaitStatus(id, BUILD, "ACTIVE");
            awaitValue(id, "seed", name);
        }
        awaitSituation(master, "HEALTHY");
        return new Members(master, ids);
    }

    /** Waits until the set's epoch moved on and one of the replicas is recorded as its master. */
    private String awaitNewMaster(Members set) throws Exception {
        long deadline = System.nanoTime() + FAILOVER.toNanos();
        while (System.nanoTime() < deadline) {
            for (String replica : set.replicas()) {
                JsonNode v = view(replica);
                if (v != null && !v.has("replica_of") && v.get("replica_set").get("epoch").asLong() > 1
                        && role(replica).equals("master")) {
                    return replica;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no failover of " + set + ": " + trove.trove("GET", "/instances/" + set.master()
                + "/jobs", null).body());
    }

    private void awaitSituation(String member, String situation) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String setName = view(member).get("replica_set").get("name").asString();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = trove.trove("GET", "/replica-sets/" + setName, null).json().get("replica_set")
                    .get("situation").asString();
            if (situation.equals(last)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(setName + " is " + last + ", not " + situation);
    }

    private static long ejects(String instance) throws Exception {
        return probe.jobs(instance, "EJECT").size();
    }

    private static JsonNode latestJob(String id, String kind) throws Exception {
        return probe.jobs(id, kind).get(0);
    }

    private static JsonNode view(String id) {
        return probe.view(id);
    }

    private static int port(String id) {
        return probe.port(id);
    }

    private static String password(String id) throws Exception {
        return probe.password(id);
    }

    private static Jedis tenant(String id) throws Exception {
        return probe.tenant(id);
    }

    private static Map<String, String> info(String id) throws Exception {
        return probe.info(id);
    }

    private static String role(String id) {
        return probe.role(id);
    }

    private static void awaitValue(String id, String key, String value) throws Exception {
        probe.awaitValue(id, key, value, Duration.ofSeconds(30));
    }

    private static void awaitRole(String id, String role, int masterPort, Duration timeout) throws Exception {
        probe.awaitRole(id, role, masterPort, timeout);
    }

    private static JsonNode awaitJob(String id, String kind) throws Exception {
        return probe.awaitJob(id, kind, Duration.ofSeconds(30));
    }

    private static void assertApiMatchesRedis(Members set) throws Exception {
        probe.assertApiMatchesRedis(set.all(), null, null, Duration.ofSeconds(20));
    }

    /** The guest data dir holding the instance, and so its host. */
    private static Path guestDir(String id) {
        Path main = stack.dataDir().resolve("guest");
        if (Files.isDirectory(AgentAccess.instanceDir(main, id))) {
            return main;
        }
        for (String host : portRanges.keySet()) {
            if (Files.isDirectory(AgentAccess.instanceDir(stack.extraGuestDataDir(host), id))) {
                return stack.extraGuestDataDir(host);
            }
        }
        throw new IllegalStateException("no host holds " + id);
    }

    private static String hostOf(String id) {
        Path dir = guestDir(id);
        return dir.equals(stack.dataDir().resolve("guest")) ? "main" : dir.getFileName().toString().substring(6);
    }

    private static Jedis agent(String id) throws Exception {
        return AgentAccess.connect(AgentAccess.instanceDir(guestDir(id), id), port(id));
    }

    private static long pid(String id) throws Exception {
        return Long.parseLong(Files.readString(AgentAccess.instanceDir(guestDir(id), id).resolve("redis.pid")).trim());
    }

    /** A host is lost: its agent stops at once and every redis-server on it is killed. */
    private static void loseHost(String host) throws Exception {
        if ("main".equals(host)) {
            stack.stopGuestAgent();
            killRedisOf(stack.dataDir().resolve("guest"));
        } else {
            hosts.remove(host).close();
            killRedisOf(stack.extraGuestDataDir(host));
        }
    }

    private static void bringBack(String host) {
        if ("main".equals(host)) {
            stack.startGuestAgent();
        } else {
            hosts.put(host, stack.startExtraGuestAgent(host, portRanges.get(host), false));
        }
    }

    private static void killRedisOf(Path guestDataDir) throws Exception {
        RedisProcesses.killInstancesOf(guestDataDir);
    }

    private static void awaitHosts(int extra) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        var jdbc = stack.taskmanager().getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
        while (System.nanoTime() < deadline) {
            int fresh = jdbc.sql("select count(*) from hosts where last_heartbeat_at > now() - interval '5 seconds'")
                    .query(Integer.class).single();
            if (fresh >= extra + 1) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the extra guest agents did not register");
    }

    private void stop(long pid) throws Exception {
        signal("STOP", pid);
        stopped.add(pid);
    }

    private void resume(long pid) throws Exception {
        signal("CONT", pid);
        stopped.remove(pid);
    }

    private static void signal(String name, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }

    /**
     * Writes keys one after another, each followed by WAIT 1: the ones at least one replica
     * acknowledged are the writes a failover must not lose.
     */
    static final class AckedWriter implements Runnable {

        private final int port;
        private final String password;
        private final Set<Long> acked = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);

        AckedWriter(int port, String password) {
            this.port = port;
            this.password = password;
        }

        @Override
        public void run() {
            long i = 0;
            try (Jedis redis = new Jedis("127.0.0.1", port, 1000)) {
                redis.auth(password);
                while (running.get()) {
                    redis.set("w-" + i, "v" + i);
                    if (redis.waitReplicas(1, 200) >= 1) {
                        acked.add(i);
                    }
                    i++;
                }
            } catch (RuntimeException e) {
                // the master died: what was acknowledged so far is what counts
            }
        }

        void awaitAcks(int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (acked.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(acked.size()).as("writes acknowledged by a replica").isGreaterThanOrEqualTo(n);
        }

        Set<Long> acknowledgedByAReplica() {
            return acked;
        }

        void stop() {
            running.set(false);
        }
    }
}
