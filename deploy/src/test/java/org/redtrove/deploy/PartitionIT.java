package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.ContinuousWriter.Outcome;
import org.redtrove.deploy.ContinuousWriter.Write;
import org.redtrove.deploy.NetnsHosts.Host;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * A network partition of the master's host (issue 8), on two hosts that are network namespaces
 * with addresses of their own ({@code deploy/netns-hosts}), each with its guest agent; the api and
 * the taskmanager run in the root namespace, as separate processes of the packaged jar. A client
 * on the master's own host writes to it all along. When the host's link goes down the master must
 * stop taking writes within min-replicas-max-lag and a second (fencing), the set must fail over to
 * the replica exactly once, and when the link returns the old master must learn the epoch and
 * follow the new master, with what was written there meanwhile, without ever having taken a write
 * in between. It ends with the API matching every Redis's role.
 */
@RequiresNetworkNamespaces
class PartitionIT {

    private static final Duration BUILD = Duration.ofSeconds(120);
    private static final Duration FAILOVER = Duration.ofSeconds(30);
    private static final Duration MAX_LAG = Duration.ofSeconds(1);
    /**
     * How long after the cut the old master may still acknowledge a write: min-replicas-max-lag,
     * plus up to 2 s, because Redis counts a replica's lag in whole seconds (server.unixtime minus
     * the second of its last ACK) and recounts its good replicas only once a second, in
     * replicationCron. Not max-lag + 1 s: plain Redis 7.0.15 with max-lag 1, its host cut 20
     * times, acknowledged its last write 0.7 to 2.3 s after the cut, 3 times past 2 s.
     */
    private static final Duration FENCED_WITHIN = MAX_LAG.plusSeconds(2);
    /**
     * Long enough for a write the fencing let through, or a second failover, to show; and long
     * enough that the agent's old broker connection, left to TCP's retransmission backoff, would
     * bring it requests only at the next retransmission, many seconds after the link is back
     * (17 s after a 40 s cut, before the agent had AMQP heartbeats): far past REJOIN. With them,
     * the agent and the broker drop a connection silent for two 5 s periods, and the agent
     * connects afresh as soon as the link is back.
     */
    private static final Duration PARTITION = Duration.ofSeconds(30);
    /** "Within a few seconds of its agent reporting again". */
    private static final Duration REJOIN = Duration.ofSeconds(10);

    @TempDir
    Path work;

    private ProcessStack stack;
    private TroveHttp trove;
    private final Map<String, Endpoint> endpoints = new HashMap<>();

    @Test
    void aPartitionedMasterIsFencedFailedOverOnceAndRejoinsAsAReplicaWhenItsLinkReturns() throws Exception {
        try (NetnsHosts net = NetnsHosts.up("rtp", "a", "b");
             ProcessStack started = ProcessStack.start(work, net.bridgeAddress(), List.of(),
                     "redtrove.failover.fencing-max-lag=" + MAX_LAG.toSeconds() + "s")) {
            stack = started;
            try {
                partitionTheMaster(net, net.host("a"), net.host("b"));
            } catch (AssertionError | Exception e) {
                throw new AssertionError(e.getMessage() + stack.outputs(), e);
            }
        }
    }

    private void partitionTheMaster(NetnsHosts net, Host a, Host b) throws Exception {
        // The master goes on a, the only host while it is created; the replica then goes on b,
        // because placement keeps a replica off its master's host.
        stack.startGuestOn(a, "21000-21099");
        stack.awaitReporting(a.name(), Duration.ofSeconds(60)); // its registration names the Redis version to create
        trove = stack.login();
        String master = create("{\"instance\":{\"name\":\"part\",\"flavorRef\":\"1\"}}");
        trove.awaitStatus(master, BUILD, "ACTIVE");
        assertThat(ip(master)).as("the master's host").isEqualTo(a.address());
        String password = password(master);
        try (Jedis redis = tenant(master)) {
            redis.set("seed", "before");
        }
        stack.startGuestOn(b, "21100-21199");
        stack.awaitReporting(b.name(), Duration.ofSeconds(60));
        String replica = create("{\"instance\":{\"name\":\"part-r\",\"replica_of\":\"" + master + "\"}}");
        trove.awaitStatus(replica, BUILD, "ACTIVE");
        assertThat(ip(replica)).as("the replica's host").isEqualTo(b.address());
        awaitSituation(master, "HEALTHY");
        awaitFencing(master, a, "1");

        try (ContinuousWriter writer = ContinuousWriter.startInNamespace(a.name(), a.address(), port(master),
                password)) {
            writer.awaitAcknowledged(200, Duration.ofSeconds(30));

            net.partition(a);
            long fault = System.currentTimeMillis();
            long failedOver = awaitNewMaster(replica, b);
            long newMasterWrote = writeUntilAcknowledged(replica, "while-partitioned", "on-the-new-master");
            JsonNode eject = awaitFinishedJob(master, "EJECT");
            assertThat(eject.get("state").asString()).as(eject.toString()).isEqualTo("SUCCEEDED");
            assertThat(eject.get("progress").get("reason").asString()).contains("LOST_HOST");
            sleepUntil(fault + PARTITION.toMillis());

            net.heal(a);
            long healed = System.currentTimeMillis();
            long reported = stack.awaitReporting(a.name(), Duration.ofSeconds(120));
            long rejoined = awaitRole(master, "slave", b.address(), port(replica), Duration.ofSeconds(120));
            awaitValue(master, "while-partitioned", "on-the-new-master");
            Thread.sleep(1000); // the writer's last attempts on the old master, now a replica
            writer.close();

            List<Write> writes = writer.writes();
            long fenceBound = fault + FENCED_WITHIN.toMillis();
            List<Write> lateAcks = writes.stream()
                    .filter(w -> w.outcome() == Outcome.ACK && w.atMillis() > fenceBound).toList();
            OptionalLong lastAck = writes.stream().filter(w -> w.outcome() == Outcome.ACK && w.atMillis() >= fault)
                    .mapToLong(Write::atMillis).max();
            OptionalLong firstRefusal = writes.stream()
                    .filter(w -> w.outcome() != Outcome.ACK && w.atMillis() >= fault).mapToLong(Write::atMillis).min();
            long refusals = writes.stream().filter(w -> w.atMillis() > fenceBound && w.outcome() != Outcome.ACK)
                    .count();
            System.err.printf("PartitionIT: fault -> first write refused: %s; last write acknowledged: %s"
                            + " (%d acknowledged after the fault, %d refused after fault+%d ms)%n",
                    since(fault, firstRefusal), since(fault, lastAck),
                    writes.stream().filter(w -> w.outcome() == Outcome.ACK && w.atMillis() >= fault).count(),
                    refusals, fenceBound - fault);
            System.err.printf("PartitionIT: refusals: %s%n", kinds(writes, fault));
            // Every write the cut-off master took is lost: it resyncs in full from the new master.
            List<Write> cutOffAcks = writes.stream().filter(w -> w.outcome() == Outcome.ACK && w.atMillis() >= fault)
                    .toList();
            System.err.printf("PartitionIT: of the %d writes the old master acknowledged after the cut, %d after"
                            + " the failover was visible, %d survive on the new master%n", cutOffAcks.size(),
                    cutOffAcks.stream().filter(w -> w.atMillis() >= failedOver).count(), surviving(replica, cutOffAcks));
            System.err.printf("PartitionIT: fault -> failover (the API shows the replica as master, Redis agrees):"
                    + " %d ms; -> new master acknowledged a write: %d ms%n", failedOver - fault, newMasterWrote - fault);
            System.err.printf("PartitionIT: link back -> its agent reports again: %d ms; -> old master replicates"
                    + " from the new one: %d ms (%d ms after reporting)%n", reported - healed, rejoined - healed,
                    rejoined - reported);

            System.err.println("PartitionIT: what the services logged from the fault on:"
                    + logSince(fault, "taskmanager", stack.taskmanager()) + logSince(fault, a.name(), stack.guest(a.name()))
                    + logSince(fault, b.name(), stack.guest(b.name())));

            assertThat(firstRefusal).as("the partitioned master refused writes").isPresent();
            assertThat(lateAcks).as("writes the partitioned master acknowledged more than min-replicas-max-lag + 2 s"
                    + " after the fault (fault at " + fault + ")").isEmpty();
            assertThat(cutOffAcks.stream().filter(w -> w.atMillis() >= failedOver).toList())
                    .as("writes the old master acknowledged once the new one was master (its agent fences it"
                            + " before the failover's detection bound)").isEmpty();
            assertThat(rejoined - reported).as("ms from its agent reporting again to following the new master")
                    .isLessThanOrEqualTo(REJOIN.toMillis());
        }

        JsonNode oldMaster = view(master);
        assertThat(oldMaster.get("replica_of").get("id").asString()).isEqualTo(replica);
        List<String> replicas = new ArrayList<>();
        view(replica).get("replicas").forEach(r -> replicas.add(r.get("id").asString()));
        assertThat(replicas).as("the new master's replicas").containsExactly(master);
        assertThat(view(replica).get("replica_set").get("epoch").asLong()).isEqualTo(2);
        assertThat(ejects(master)).as("failovers for one partition").isEqualTo(1);
        try (Jedis redis = tenant(master)) {
            assertThat(redis.get("seed")).isEqualTo("before");
        }
        assertApiMatchesRedis(replica, List.of(master));
    }

    // ---- the set, through the API and Redis ------------------------------------------------------

    private String create(String body) throws Exception {
        return trove.createInstance(body);
    }

    private JsonNode view(String id) throws Exception {
        return trove.instance(id);
    }

    /** Where an instance's Redis is, and its password: fixed once it is placed. */
    private record Endpoint(String ip, int port, String password) {
    }

    /**
     * Asked once per instance: the tests poll Redis every 50 ms, and asking the API each time
     * would run into its rate limit.
     */
    private Endpoint endpoint(String id) throws Exception {
        Endpoint known = endpoints.get(id);
        if (known == null) {
            JsonNode v = view(id);
            known = new Endpoint(v.get("ip").get(0).asString(), v.get("port").asInt(),
                    trove.trove("GET", "/instances/" + id + "/password", null).json().get("password").asString());
            endpoints.put(id, known);
        }
        return known;
    }

    private String ip(String id) throws Exception {
        return endpoint(id).ip();
    }

    private int port(String id) throws Exception {
        return endpoint(id).port();
    }

    private String password(String id) throws Exception {
        return endpoint(id).password();
    }

    /** The tenant's connection, from the root namespace, over the bridge. */
    private Jedis tenant(String id) throws Exception {
        Endpoint e = endpoint(id);
        Jedis jedis = new Jedis(e.ip(), e.port(), 1000);
        jedis.auth(e.password());
        return jedis;
    }

    private Map<String, String> info(String id) throws Exception {
        try (Jedis redis = tenant(id)) {
            Map<String, String> fields = new HashMap<>();
            for (String line : redis.info("replication").split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            return fields;
        }
    }

    /** The recorded master's fencing, as its agent set it (the tenant may not read CONFIG). */
    private void awaitFencing(String master, Host host, String minReplicas) throws Exception {
        Path dir = AgentAccess.instanceDir(work.resolve("guest-" + host.name()), master);
        String last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Jedis agent = AgentAccess.connect(dir, host.address(), port(master))) {
                last = agent.configGet("min-replicas-to-write").get("min-replicas-to-write") + " / lag "
                        + agent.configGet("min-replicas-max-lag").get("min-replicas-max-lag");
                if (last.equals(minReplicas + " / lag " + MAX_LAG.toSeconds())) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the master's min-replicas-to-write / max-lag is " + last);
    }

    /** Waits until the replica is the set's master by the API and by its Redis; answers when. */
    private long awaitNewMaster(String replica, Host host) throws Exception {
        long deadline = System.nanoTime() + FAILOVER.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode v = view(replica);
            if (!v.has("replica_of") && v.get("replica_set").get("epoch").asLong() > 1) {
                try {
                    if ("master".equals(info(replica).get("role"))) {
                        return System.currentTimeMillis();
                    }
                } catch (RuntimeException notYet) {
                    // its Redis is being switched
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no failover to " + replica + " on " + host + ": "
                + trove.trove("GET", "/instances/" + replica + "/jobs", null).body());
    }

    /** A master with no healthy replica left must take writes again (its fencing lifted); answers when it did. */
    private long writeUntilAcknowledged(String id, String key, String value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try (Jedis redis = tenant(id)) {
                redis.set(key, value);
                return System.currentTimeMillis();
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the new master does not take writes: " + last, last);
    }

    private long awaitRole(String id, String role, String masterHost, int masterPort, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> last = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                last = info(id);
                if (role.equals(last.get("role")) && masterHost.equals(last.get("master_host"))
                        && String.valueOf(masterPort).equals(last.get("master_port"))
                        && "up".equals(last.get("master_link_status"))) {
                    return System.currentTimeMillis();
                }
            } catch (RuntimeException unreachableOrRestarting) {
                // try again
            }
            Thread.sleep(50);
        }
        throw new AssertionError(id + " is not a linked " + role + " of " + masterHost + ":" + masterPort + ": "
                + last);
    }

    private void awaitValue(String id, String key, String value) throws Exception {
        SetProbe.awaitValue(id, () -> tenant(id), key, value, Duration.ofSeconds(30));
    }

    private void awaitSituation(String member, String situation) throws Exception {
        String set = view(member).get("replica_set").get("name").asString();
        String last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var reply = trove.trove("GET", "/replica-sets/" + set, null);
            last = reply.status() == 200 ? reply.json().get("replica_set").path("situation").asString(null)
                    : reply.status() + " " + reply.body();
            if (situation.equals(last)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(set + " is " + last + ", not " + situation);
    }

    private long surviving(String id, List<Write> writes) throws Exception {
        if (writes.isEmpty()) {
            return 0;
        }
        try (Jedis redis = tenant(id)) {
            return redis.exists(writes.stream().map(w -> "w-" + w.n()).toArray(String[]::new));
        }
    }

    private long ejects(String id) throws Exception {
        long n = 0;
        for (JsonNode job : trove.trove("GET", "/instances/" + id + "/jobs", null).json().get("jobs")) {
            n += "EJECT".equals(job.get("kind").asString()) ? 1 : 0;
        }
        return n;
    }

    private JsonNode awaitFinishedJob(String id, String kind) throws Exception {
        long deadline = System.nanoTime() + FAILOVER.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode job : trove.trove("GET", "/instances/" + id + "/jobs", null).json().get("jobs")) {
                if (kind.equals(job.get("kind").asString()) && !job.get("state").asString().matches("QUEUED|RUNNING")) {
                    return job;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no finished " + kind + " job on " + id);
    }

    /** Exactly one member is a master, and every member follows, in Redis, whom the API says. */
    private void assertApiMatchesRedis(String master, List<String> replicas) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        AssertionError last = null;
        List<String> all = new ArrayList<>(List.of(master));
        all.addAll(replicas);
        while (System.nanoTime() < deadline) {
            try {
                int masters = 0;
                for (String id : all) {
                    JsonNode v = view(id);
                    Map<String, String> info = info(id);
                    if ("master".equals(info.get("role"))) {
                        masters++;
                        assertThat(v.has("replica_of")).as(id + " is a master in Redis and in the API").isFalse();
                    } else {
                        String upstream = v.get("replica_of").get("id").asString();
                        assertThat(info.get("master_host") + ":" + info.get("master_port")).as(id + " follows "
                                + upstream).isEqualTo(ip(upstream) + ":" + port(upstream));
                        assertThat(info.get("master_link_status")).isEqualTo("up");
                    }
                    assertThat(v.get("status").asString()).as(id + " status").isEqualTo("ACTIVE");
                }
                assertThat(masters).as("masters in the set").isEqualTo(1);
                return;
            } catch (AssertionError | RuntimeException e) {
                last = e instanceof AssertionError a ? a : new AssertionError(e);
                Thread.sleep(200);
            }
        }
        throw last;
    }

    // ---- hosts -----------------------------------------------------------------------------------


    // ---- reporting -------------------------------------------------------------------------------

    private static String since(long fault, OptionalLong at) {
        return at.isPresent() ? (at.getAsLong() - fault) + " ms" : "never";
    }

    /** How the writes after the fault ended, by kind, in order: "ACK x120, REFUSED NOREPLICAS x300, …". */
    private static String kinds(List<Write> writes, long fault) {
        StringBuilder b = new StringBuilder();
        String current = null;
        int count = 0;
        for (Write w : writes) {
            if (w.atMillis() < fault) {
                continue;
            }
            String kind = w.outcome() == Outcome.ACK ? "ACK" : w.outcome() + " " + w.detail().split(" ")[0];
            if (!kind.equals(current)) {
                if (current != null) {
                    b.append(current).append(" x").append(count).append(", ");
                }
                current = kind;
                count = 0;
            }
            count++;
        }
        return current == null ? "none" : b.append(current).append(" x").append(count).toString();
    }

    /** The process's log lines stamped (HH:mm:ss.SSS, this machine's zone) at or after {@code millis}. */
    private static String logSince(long millis, String name, JarProcess process) {
        String from = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault())
                .format(Instant.ofEpochMilli(millis));
        StringBuilder b = new StringBuilder("\n--- ").append(name).append(":");
        boolean on = false;
        for (String line : process.output().split("\n")) {
            if (line.length() >= 12 && line.substring(0, 12).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}")) {
                on = line.substring(0, 12).compareTo(from) >= 0;
            }
            if (on && !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("Caused by")
                    && !line.startsWith("com.") && !line.startsWith("org.")) {
                b.append("\n").append(line); // stack traces left out: the first line says what happened
            }
        }
        return b.toString();
    }

    private static void sleepUntil(long millis) throws InterruptedException {
        long left = millis - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }
}
