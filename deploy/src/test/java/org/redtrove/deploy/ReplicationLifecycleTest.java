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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import tools.jackson.databind.JsonNode;

/**
 * The replication lifecycle as a user sees it, end to end against real redis-servers: create
 * replicas, detach, promote (planned switchover under a write load) and eject (unplanned failover
 * with a lagging replica), and the refusals of the Trove API. One dev stack for the class; every
 * test builds its own set and removes it, and resumes any redis-server it stopped.
 */
class ReplicationLifecycleTest {

    private static final Duration BUILD = Duration.ofSeconds(90);

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;

    /** Instances this test created, deleted after it (replicas before sources). */
    private final List<String> created = new ArrayList<>();
    /** redis-server pids this test stopped with SIGSTOP; each gets a SIGCONT after it. */
    private final List<Long> stopped = new ArrayList<>();

    @BeforeAll
    static void startStack() throws Exception {
        // The lifecycle an operator drives: no automatic failover here (SelfHealingTest has it).
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withIdentityPort(0)
                .withGuestPortRange("19200-19399").withProperties("redtrove.failover.automatic=false",
                        // a test halts a job where it wants to look at it (Failpoints)
                        "redtrove.chaos.halt-file=" + dataDir.resolve("halts")));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (long pid : stopped) {
            signal("CONT", pid);
        }
        stopped.clear();
        // Replicas first (a source with replicas cannot be deleted), then whatever is left.
        List<String> order = new ArrayList<>();
        for (String id : created) {
            JsonNode view = view(id);
            if (view != null && view.has("replica_of")) {
                order.add(0, id);
            } else {
                order.add(id);
            }
        }
        for (String id : order) {
            deleteEventually(id);
        }
        created.clear();
    }

    // ---- create replicas ----------------------------------------------------------------------

    @Test
    void replicasHoldTheSourcesDataRefuseWritesAndShareItsPassword() throws Exception {
        String source = createActive("src");
        String password = password(source);
        try (Jedis redis = redis(source)) {
            for (int i = 0; i < 500; i++) {
                redis.set("before-" + i, "v" + i);
            }
        }
        long sourcePid = pid(source);

        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"r\",\"replica_of\":\"" + source
                + "\",\"replica_count\":2,\"flavorRef\":\"1\"}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode last = reply.json().get("instance");
        assertThat(last.get("name").asString()).isEqualTo("r-2");
        assertThat(last.get("replica_of").get("id").asString()).isEqualTo(source);
        assertThat(last.has("password")).isFalse();

        List<String> replicas = replicaIds(source);
        created.addAll(0, replicas);
        assertThat(replicas).hasSize(2).contains(last.get("id").asString());
        assertThat(replicas.stream().map(r -> view(r).get("name").asString())).containsExactly("r-1", "r-2");

        for (String replica : replicas) {
            JsonNode active = trove.awaitStatus(replica, BUILD, "ACTIVE");
            assertThat(active.get("replica_of").get("id").asString()).isEqualTo(source);
            try (Jedis redis = redis(replica)) {
                // ACTIVE means in sync: link up, no sync running, every write before the attach is there.
                Map<String, String> info = info(redis, "replication");
                assertThat(info).containsEntry("role", "slave").containsEntry("master_link_status", "up")
                        .containsEntry("master_sync_in_progress", "0");
                for (int i = 0; i < 500; i++) {
                    assertThat(redis.get("before-" + i)).isEqualTo("v" + i);
                }
                assertThatThrownBy(() -> redis.set("x", "y")).isInstanceOf(JedisDataException.class)
                        .hasMessageContaining("READONLY");
            }
            assertThat(password(replica)).isEqualTo(password);
            // Replicas reach their master as the replication user, whose password the tenant never sees.
            String file = replicationFile(replica);
            assertThat(file).contains("replicaof 127.0.0.1 " + port(source)).contains("masteruser redtrove-replica")
                    .contains("masterauth ").doesNotContain(password).contains("replica-read-only yes");
        }
        assertThat(replicaIds(source)).containsExactlyInAnyOrderElementsOf(replicas);
        assertThat(view(source).has("replica_of")).isFalse();
        // A live write on the source reaches the replicas: they follow it, not a copy of the past.
        try (Jedis redis = redis(source)) {
            redis.set("after", "attach");
        }
        for (String replica : replicas) {
            awaitValue(replica, "after", "attach");
        }
        assertThat(pid(source)).as("the source was not restarted").isEqualTo(sourcePid);
    }

    @Test
    void anAttachShowsWhereEachReplicaIsAndTheJobKeepsWhatItWentThrough() throws Exception {
        String source = createActive("progress-src");
        try (Jedis redis = redis(source)) {
            for (int i = 0; i < 200; i++) {
                redis.set("k" + i, "v" + i);
            }
        }
        // The job halts before it asks the replica to follow its master: what it says then stays shown.
        Path halts = dataDir.resolve("halts");
        Files.writeString(halts, "ATTACH_REPLICAS:follow-*:before\n");
        String replica;
        String name;
        try {
            var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"progress\",\"replica_of\":\""
                    + source + "\",\"flavorRef\":\"1\"}}");
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            replica = reply.json().get("instance").get("id").asString();
            name = reply.json().get("instance").get("name").asString();
            created.add(0, replica);
            // it says "preparing its redis-server" first, then the stage it halts in, which stays
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!view(replica).path("progress").asString("").equals("asking the master for its data")
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            JsonNode building = view(replica);
            assertThat(building.get("status").asString()).isEqualTo("BUILD");
            assertThat(building.path("progress").asString("")).isEqualTo("asking the master for its data");
            assertThat(attachJob(source).get("progress").get("summary").asString())
                    .isEqualTo(name + ": asking the master for its data");
        } finally {
            Files.deleteIfExists(halts);
        }
        trove.awaitStatus(replica, BUILD, "ACTIVE");
        assertThat(view(replica).has("progress")).as("no job works on it any more").isFalse();
        JsonNode progress = attachJob(source).get("progress");
        JsonNode entry = progress.get("replica " + name);
        assertThat(entry.get("stage").asString()).isEqualTo("in sync");
        List<String> stages = new ArrayList<>();
        entry.get("stages").forEach(st -> stages.add(st.asString()));
        assertThat(stages).startsWith("preparing its redis-server", "asking the master for its data")
                .endsWith("in sync");
        assertThat(progress.get("summary").asString()).isEqualTo(name + ": in sync");
    }

    private static JsonNode attachJob(String source) throws Exception {
        for (JsonNode job : trove.trove("GET", "/instances/" + source + "/jobs", null).json().get("jobs")) {
            if ("ATTACH_REPLICAS".equals(job.get("kind").asString())) {
                return job;
            }
        }
        throw new AssertionError("no ATTACH_REPLICAS job on " + source);
    }

    @Test
    void aRestartedReplicaKeepsItsRoleAndData() throws Exception {
        String source = createActive("restart-src");
        try (Jedis redis = redis(source)) {
            redis.set("kept", "yes");
        }
        String replica = createReplicas(source, "restart-r", 1).get(0);
        awaitValue(replica, "kept", "yes");
        long before = pid(replica);

        signal("KILL", before);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long after = -1;
        while (System.nanoTime() < deadline) {
            List<Long> serving = RedisProcesses.serving(port(replica));
            if (serving.size() == 1 && serving.get(0) != before) {
                after = serving.get(0);
                break;
            }
            Thread.sleep(100);
        }
        assertThat(after).as("the guest restarted the killed redis-server").isPositive();
        awaitLinkUp(replica, source);
        try (Jedis redis = redis(replica)) {
            assertThat(redis.get("kept")).isEqualTo("yes");
            assertThatThrownBy(() -> redis.set("x", "y")).hasMessageContaining("READONLY");
        }
        try (Jedis redis = redis(source)) {
            SetProbe.setWhenTaken(redis, "later", "too"); // fenced while its only replica was down
        }
        awaitValue(replica, "later", "too");
        assertThat(view(replica).get("replica_of").get("id").asString()).isEqualTo(source);
    }

    @Test
    void aRestartedGuestAgentKeepsEveryMembersRoleAndCanStillEject() throws Exception {
        String source = createActive("agent-src");
        try (Jedis redis = redis(source)) {
            redis.set("before-restart", "1");
        }
        List<String> replicas = createReplicas(source, "agent-r", 2);
        for (String replica : replicas) {
            awaitValue(replica, "before-restart", "1");
        }
        long sourcePid = pid(source);
        List<Long> replicaPids = new java.util.ArrayList<>();
        for (String replica : replicas) {
            replicaPids.add(pid(replica));
        }

        stack.stopGuestAgent();
        stack.startGuestAgent();
        Thread.sleep(2500);

        // Same processes, same roles, still replicating.
        assertThat(pid(source)).isEqualTo(sourcePid);
        for (int i = 0; i < replicas.size(); i++) {
            assertThat(pid(replicas.get(i))).isEqualTo(replicaPids.get(i));
            try (Jedis redis = redis(replicas.get(i))) {
                assertThatThrownBy(() -> redis.set("x", "y")).hasMessageContaining("READONLY");
            }
        }
        try (Jedis redis = redis(source)) {
            redis.set("after-restart", "2");
        }
        for (String replica : replicas) {
            awaitValue(replica, "after-restart", "2");
            assertThat(view(replica).get("status").asString()).isEqualTo("ACTIVE");
        }

        // The new agent still knows its replicas completed a sync, so they remain eligible.
        stop(sourcePid);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        var reply = trove.trove("POST", "/instances/" + source + "/action", "{\"eject_replica_source\":{}}");
        while (reply.status() == 400 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            reply = trove.trove("POST", "/instances/" + source + "/action", "{\"eject_replica_source\":{}}");
        }
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        JsonNode job = awaitJob(source, "EJECT");
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("progress").get("ranking").get("excluded")).as(job.toString()).isEmpty();
        String chosen = job.get("progress").get("chosen").asString();
        try (Jedis redis = redis(chosen)) {
            assertThat(redis.get("after-restart")).isEqualTo("2");
            redis.set("new-master", "yes");
        }
    }

    @Test
    void aSourceThatDoesNotPersistIsRefusedReplicas() throws Exception {
        String source = createActive("volatile");
        try (Jedis redis = agent(source)) {
            redis.configSet("appendonly", "no");
            redis.configSet("save", "");
        }
        // The API knows it from the guest's report, which follows within a heartbeat or two.
        Thread.sleep(3000);
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"nope\",\"replica_of\":\""
                + source + "\",\"flavorRef\":\"1\"}}");
        if (reply.status() == 200) {
            created.add(0, reply.json().get("instance").get("id").asString());
        }
        assertFault(reply, 400, "badRequest", "Replica source " + source + " does not persist its data");
        assertThat(view(source).has("replicas")).isFalse();
        assertThat(view(source).get("status").asString()).isEqualTo("ACTIVE");
    }

    @Test
    void aFailedAttachLeavesThatReplicaInErrorAndTheRestOfTheSetUntouched() throws Exception {
        String source = createActive("partial-src");
        try (Jedis redis = redis(source)) {
            redis.set("data", "intact");
        }
        String healthy = createReplicas(source, "partial-ok", 1).get(0);
        awaitValue(healthy, "data", "intact");
        long sourcePid = pid(source);

        // A source that does not answer cannot serve a new replica: that attach must fail alone.
        stop(sourcePid);
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"partial-bad\",\"replica_of\":\""
                + source + "\",\"flavorRef\":\"1\"}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        String failed = reply.json().get("instance").get("id").asString();
        created.add(0, failed);
        JsonNode error = trove.awaitStatus(failed, BUILD, "ERROR");
        resume(sourcePid);
        assertThat(error.get("fault").get("message").asString()).isNotBlank();
        assertThat(awaitJob(source, "ATTACH_REPLICAS").get("state").asString()).isEqualTo("FAILED");

        // While hung the source was shown ERROR; answering again, it is ACTIVE again.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"ACTIVE".equals(view(source).get("status").asString()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(view(source).get("status").asString()).isEqualTo("ACTIVE");
        assertThat(view(healthy).get("status").asString()).isEqualTo("ACTIVE");
        assertThat(view(healthy).get("replica_of").get("id").asString()).isEqualTo(source);
        assertThat(pid(source)).isEqualTo(sourcePid);
        try (Jedis redis = redis(source)) {
            assertThat(info(redis, "replication")).containsEntry("role", "master");
            SetProbe.setWhenTaken(redis, "data", "still-followed"); // fenced for a moment after its stop
        }
        awaitValue(healthy, "data", "still-followed");
    }

    /*
     * A hung Redis on a live host: the set supervisor names it HUNG_MASTER once it has been silent,
     * to its agent and to its replica, for the detection bound (redtrove.failover.detection, 1 s),
     * counted from the last time it answered; only then may it be ejected.
     */
    @Test
    void aHungSourceCountsAsFailedOnlyAfterTheDetectionBound() throws Exception {
        String source = createActive("hung-src");
        List<String> replicas = createReplicas(source, "hung-r", 1);
        long sourcePid = pid(source);
        stop(sourcePid);
        long stoppedAt = System.nanoTime();
        long acceptedAfter = -1;
        while (System.nanoTime() - stoppedAt < Duration.ofSeconds(20).toNanos()) {
            var reply = trove.trove("POST", "/instances/" + source + "/action", "{\"eject_replica_source\":{}}");
            if (reply.status() == 202) {
                acceptedAfter = (System.nanoTime() - stoppedAt) / 1_000_000;
                break;
            }
            assertFault(reply, 400, "badRequest", "Replica Source " + source
                    + " cannot be ejected as it has a current heartbeat");
            Thread.sleep(50);
        }
        System.out.printf("hung source: eject accepted %d ms after SIGSTOP%n", acceptedAfter);
        // The agent's liveness PING runs every 100 ms: Redis last answered at most that long before the stop.
        assertThat(acceptedAfter).as("eject accepted after (ms)").isGreaterThanOrEqualTo(1000 - 100);
        assertThat(awaitJob(source, "EJECT").get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(view(replicas.get(0)).has("replica_of")).isFalse();
    }

    // ---- refusals -----------------------------------------------------------------------------

    @Test
    void refusalsUseTrovesFaultTexts() throws Exception {
        String source = createActive("refusals");
        String replica = createReplicas(source, "refusals-r", 1).get(0);

        assertFault(trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"rr\",\"replica_of\":\"" + replica
                + "\",\"flavorRef\":\"1\"}}"), 400, "badRequest", "Cannot create a replica of a replica " + replica + ".");
        assertThat(trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"rr\",\"replica_of\":\""
                + "6a0c3b9e-0000-4000-8000-000000000000\",\"flavorRef\":\"1\"}}").status()).isEqualTo(404);
        assertFault(trove.trove("DELETE", "/instances/" + source, null), 403, "forbidden",
                "Detach replicas before deleting replica source.");
        assertFault(trove.trove("PUT", "/instances/" + source, "{\"instance\":{\"replica_of\":null}}"), 400,
                "badRequest", "Instance " + source + " is not a replica.");
        assertFault(trove.trove("POST", "/instances/" + source + "/action", "{\"promote_to_replica_source\":{}}"),
                400, "badRequest", "Instance " + source + " is not a replica.");
        assertFault(trove.trove("POST", "/instances/" + replica + "/action", "{\"eject_replica_source\":{}}"),
                400, "badRequest", "Instance " + replica + " is not a replica source.");
        assertFault(trove.trove("POST", "/instances/" + source + "/action", "{\"eject_replica_source\":{}}"),
                400, "badRequest", "Replica Source " + source + " cannot be ejected as it has a current heartbeat");

        // Busy: a source still building takes no replicas; a set with a replica building takes no promote.
        var building = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"busy\",\"flavorRef\":\"1\"}}");
        String busy = building.json().get("instance").get("id").asString();
        created.add(busy);
        var early = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"rr\",\"replica_of\":\"" + busy
                + "\",\"flavorRef\":\"1\"}}");
        assertThat(early.status()).as(early.body()).isEqualTo(422);
        assertThat(early.json().get("unprocessableEntity").get("message").asString())
                .contains("is not currently available for an action to be performed");
        trove.awaitStatus(busy, BUILD, "ACTIVE");

        var second = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"refusals-r2\",\"replica_of\":\""
                + source + "\",\"flavorRef\":\"1\"}}");
        assertThat(second.status()).isEqualTo(200);
        String second2 = second.json().get("instance").get("id").asString();
        created.add(0, second2);
        var promote = trove.trove("POST", "/instances/" + replica + "/action", "{\"promote_to_replica_source\":{}}");
        assertThat(promote.status()).as(promote.body()).isEqualTo(422);
        assertThat(promote.json().get("unprocessableEntity").get("message").asString())
                .contains("Instance " + second2 + " is not currently available");
        trove.awaitStatus(second2, BUILD, "ACTIVE");
    }

    // ---- detach -------------------------------------------------------------------------------

    @Test
    void detachMakesAStandaloneWritableInstanceThatKeepsItsData() throws Exception {
        String source = createActive("detach-src");
        try (Jedis redis = redis(source)) {
            redis.set("shared", "before-detach");
        }
        String replica = createReplicas(source, "detach-r", 1).get(0);
        awaitValue(replica, "shared", "before-detach");
        long pid = pid(replica);

        var reply = trove.trove("PUT", "/instances/" + replica, "{\"instance\":{\"replica_of\":null}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        String during = view(replica).get("status").asString();
        JsonNode after = trove.awaitStatus(replica, Duration.ofSeconds(30), "ACTIVE");
        assertThat(during).isEqualTo("DETACH");
        assertThat(latestJob(replica, "DETACH").get("state").asString()).isEqualTo("SUCCEEDED");

        assertThat(after.has("replica_of")).isFalse();
        assertThat(view(source).has("replicas")).isFalse();
        try (Jedis redis = redis(replica)) {
            assertThat(info(redis, "replication")).containsEntry("role", "master");
            assertThat(redis.get("shared")).isEqualTo("before-detach");
            redis.set("own", "write");
            assertThat(redis.get("own")).isEqualTo("write");
        }
        try (Jedis redis = redis(source)) {
            redis.set("shared", "changed-on-source");
        }
        Thread.sleep(300);
        try (Jedis redis = redis(replica)) {
            assertThat(redis.get("shared")).as("no longer follows the source").isEqualTo("before-detach");
        }
        assertThat(replicationFile(replica)).doesNotContain("replicaof");
        assertThat(pid(replica)).as("detach does not restart Redis").isEqualTo(pid);
    }

    // ---- promote ------------------------------------------------------------------------------

    @Test
    void promoteKeepsEveryAcknowledgedWrite() throws Exception {
        String source = createActive("promote-src");
        List<String> replicas = createReplicas(source, "promote-r", 2);
        String candidate = replicas.get(0);
        String other = replicas.get(1);
        Map<String, Long> pids = new HashMap<>();
        for (String id : List.of(source, candidate, other)) {
            pids.put(id, pid(id));
        }
        Map<String, String> statsBefore;
        try (Jedis redis = redis(candidate)) {
            statsBefore = info(redis, "stats");
        }

        Writer writer = new Writer(password(source), List.of(port(source), port(candidate), port(other)));
        Thread thread = new Thread(writer, "promote-writer");
        thread.start();
        try {
            writer.awaitAcks(500);
            var reply = trove.trove("POST", "/instances/" + candidate + "/action", "{\"promote_to_replica_source\":{}}");
            assertThat(reply.status()).as(reply.body()).isEqualTo(202);
            Map<String, String> during = new HashMap<>();
            for (String id : List.of(source, candidate, other)) {
                during.put(id, view(id).get("status").asString());
            }
            JsonNode job = awaitJob(candidate, "PROMOTE");
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(during.values()).as("every member shows PROMOTE while the job runs").containsOnly("PROMOTE");
            long acked = writer.acks();
            writer.awaitAcks(acked + 300);
        } finally {
            writer.stop();
            thread.join(10_000);
        }
        assertThat(writer.failure()).isNull();

        // The new topology, as the API shows it and as Redis has it.
        JsonNode newMaster = trove.awaitStatus(candidate, Duration.ofSeconds(10), "ACTIVE");
        assertThat(newMaster.has("replica_of")).isFalse();
        assertThat(replicaIds(candidate)).containsExactlyInAnyOrder(source, other);
        assertThat(view(source).get("replica_of").get("id").asString()).isEqualTo(candidate);
        assertThat(view(other).get("replica_of").get("id").asString()).isEqualTo(candidate);
        // BUILD until each has caught up with its new master (a partial resync), then ACTIVE
        trove.awaitStatus(source, Duration.ofSeconds(10), "ACTIVE");
        trove.awaitStatus(other, Duration.ofSeconds(10), "ACTIVE");
        awaitLinkUp(source, candidate);
        awaitLinkUp(other, candidate);

        try (Jedis redis = redis(candidate)) {
            assertThat(info(redis, "replication")).containsEntry("role", "master");
            List<Long> acked = writer.acknowledged();
            List<String> missing = new ArrayList<>();
            for (long n : acked) {
                if (!String.valueOf(n).equals(redis.get("counter-" + n))) {
                    missing.add("counter-" + n);
                }
            }
            assertThat(missing).as("acknowledged writes missing on the new master (of " + acked.size() + ")").isEmpty();
            Map<String, String> statsAfter = info(redis, "stats");
            assertThat(statsAfter.get("sync_full")).as("no full sync").isEqualTo(statsBefore.get("sync_full"));
            assertThat(Long.parseLong(statsAfter.get("sync_partial_ok")))
                    .as("the old master and the other replica continued by partial resync")
                    .isGreaterThanOrEqualTo(Long.parseLong(statsBefore.get("sync_partial_ok")) + 2);
        }
        try (Jedis redis = redis(source)) {
            assertThatThrownBy(() -> redis.set("x", "y")).hasMessageContaining("READONLY");
        }
        assertThat(replicationFile(source)).contains("replicaof 127.0.0.1 " + port(candidate));
        assertThat(replicationFile(candidate)).doesNotContain("replicaof");
        for (var e : pids.entrySet()) {
            assertThat(pid(e.getKey())).as("promote restarts no Redis").isEqualTo(e.getValue());
        }
        System.out.printf("promote: %d acknowledged writes, longest gap between acks %d ms, %d retries%n",
                writer.acks(), writer.longestGapMillis(), writer.retries());
    }

    // ---- eject --------------------------------------------------------------------------------

    @Test
    void ejectPromotesTheReplicaHoldingTheMostData() throws Exception {
        String source = createActive("eject-src");
        List<String> replicas = createReplicas(source, "eject-r", 2);
        String first = replicas.get(0);
        String lagging = replicas.get(1);

        try (Jedis redis = redis(source)) {
            for (int i = 0; i < 1000; i++) {
                redis.set("a-" + i, "A" + i);
            }
        }
        awaitValue(first, "a-999", "A999");
        awaitValue(lagging, "a-999", "A999");

        long laggingPid = pid(lagging);
        stop(laggingPid);
        // Set B is larger than what the kernel's socket buffers hold for the stopped replica, so
        // that it cannot read all of it once resumed, after the source itself has stopped.
        String big = "b".repeat(100_000);
        try (Jedis redis = redis(source)) {
            for (int i = 0; i < 300; i++) {
                SetProbe.setWhenTaken(redis, "b-" + i, big + i); // a loaded host may fence it a moment
            }
        }
        awaitValue(first, "b-299", big + 299);
        long sourcePid = pid(source);
        stop(sourcePid);
        resume(laggingPid);
        Thread.sleep(4000);

        long began = System.nanoTime();
        var reply = trove.trove("POST", "/instances/" + source + "/action", "{\"eject_replica_source\":{}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        assertThat(view(source).get("status").asString()).isEqualTo("EJECT");
        assertThat(view(first).get("status").asString()).isEqualTo("EJECT");
        JsonNode job = awaitJob(source, "EJECT");
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode ranking = job.get("progress").get("ranking");
        assertThat(ranking.get("eligible").get(0).get("instanceId").asString()).as(ranking.toString())
                .isEqualTo(first);
        assertThat(job.get("progress").get("chosen").asString()).isEqualTo(first);
        if (ranking.get("eligible").size() > 1) {
            assertThat(ranking.get("eligible").get(0).get("offset").asLong())
                    .isGreaterThan(ranking.get("eligible").get(1).get("offset").asLong());
        }

        JsonNode promoted = trove.awaitStatus(first, Duration.ofSeconds(10), "ACTIVE");
        assertThat(promoted.has("replica_of")).isFalse();
        // The old master stays in the set, as a replica of the new one that rejoins once it is back.
        assertThat(replicaIds(first)).containsExactlyInAnyOrder(lagging, source);
        assertThat(view(lagging).get("replica_of").get("id").asString()).isEqualTo(first);
        JsonNode old = view(source);
        assertThat(old.get("replica_of").get("id").asString()).isEqualTo(first);
        assertThat(old.has("replicas")).isFalse();
        try (Jedis redis = redis(first)) {
            redis.set("after-eject", "writable");
        }
        awaitLinkUp(lagging, first);
        awaitValue(lagging, "after-eject", "writable");
        try (Jedis redis = redis(lagging)) {
            assertThat(redis.get("a-0")).isEqualTo("A0");
            assertThat(redis.get("b-299")).isEqualTo(big + 299);
            assertThat(redis.dbSize()).isEqualTo(1301);
        }
        // The hung old master was fenced: restarted as a replica of the new master, it syncs from it.
        awaitLinkUp(source, first);
        awaitValue(source, "after-eject", "writable");
        System.out.printf("eject: job took %d ms; ranking %s%n", tookMillis, ranking);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private String createActive(String name) throws Exception {
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":\"1\"}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        String id = reply.json().get("instance").get("id").asString();
        created.add(id);
        trove.awaitStatus(id, BUILD, "ACTIVE");
        return id;
    }

    /** Creates replicas and waits until all are ACTIVE; answers their ids in name order. */
    private List<String> createReplicas(String source, String name, int count) throws Exception {
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"" + name + "\",\"replica_of\":\""
                + source + "\",\"replica_count\":" + count + ",\"flavorRef\":\"1\"}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> ids = replicaIds(source);
        created.addAll(0, ids);
        for (String id : ids) {
            trove.awaitStatus(id, BUILD, "ACTIVE");
        }
        return ids;
    }

    private static JsonNode view(String id) {
        try {
            var reply = trove.trove("GET", "/instances/" + id, null);
            return reply.status() == 200 ? reply.json().get("instance") : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> replicaIds(String source) {
        JsonNode replicas = view(source).get("replicas");
        List<String> ids = new ArrayList<>();
        for (int i = 0; replicas != null && i < replicas.size(); i++) {
            ids.add(replicas.get(i).get("id").asString());
        }
        return ids;
    }

    private static int port(String id) {
        return view(id).get("port").asInt();
    }

    private static String password(String id) throws Exception {
        return trove.trove("GET", "/instances/" + id + "/password", null).json().get("password").asString();
    }

    private static Jedis redis(String id) throws Exception {
        Jedis jedis = new Jedis("127.0.0.1", port(id), 5000);
        jedis.auth(password(id));
        return jedis;
    }

    private static long pid(String id) throws Exception {
        List<Long> pids = RedisProcesses.serving(port(id));
        assertThat(pids).as("redis-server of " + id).hasSize(1);
        return pids.get(0);
    }

    /** A connection as the guest agent's own user, for what tenants may not do. */
    private static Jedis agent(String id) throws Exception {
        return AgentAccess.connect(AgentAccess.instanceDir(stack.dataDir().resolve("guest"), id), port(id));
    }

    private static String replicationFile(String id) throws Exception {
        return Files.readString(stack.dataDir().resolve("guest").resolve("instances").resolve(id)
                .resolve("replication.conf"));
    }

    private static Map<String, String> info(Jedis redis, String section) {
        Map<String, String> fields = new HashMap<>();
        for (String line : redis.info(section).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static void awaitValue(String id, String key, String value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try (Jedis redis = redis(id)) {
                last = redis.get(key);
                if (value.equals(last)) {
                    return;
                }
            } catch (JedisDataException e) {
                last = e.getMessage(); // LOADING while a sync completes
            }
            Thread.sleep(100);
        }
        throw new AssertionError(id + " did not get " + key + " (last " + (last == null ? null
                : last.substring(0, Math.min(80, last.length()))) + ")");
    }

    private static void awaitLinkUp(String replica, String master) throws Exception {
        int masterPort = port(master);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, String> last = Map.of();
        while (System.nanoTime() < deadline) {
            try (Jedis redis = redis(replica)) {
                last = info(redis, "replication");
                if ("slave".equals(last.get("role")) && String.valueOf(masterPort).equals(last.get("master_port"))
                        && "up".equals(last.get("master_link_status"))) {
                    return;
                }
            } catch (RuntimeException e) {
                // restarting or loading
            }
            Thread.sleep(100);
        }
        throw new AssertionError(replica + " is not linked to " + master + ": " + last);
    }

    /** The newest job of that kind on the instance, once it has ended. */
    private static JsonNode awaitJob(String id, String kind) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = latestJob(id, kind);
            if (last != null && !last.get("state").asString().equals("QUEUED")
                    && !last.get("state").asString().equals("RUNNING")) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + kind + " job of " + id + " ended: " + last);
    }

    private static JsonNode latestJob(String id, String kind) throws Exception {
        JsonNode jobs = trove.trove("GET", "/instances/" + id + "/jobs", null).json().get("jobs");
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i).get("kind").asString().equals(kind)) {
                return jobs.get(i);
            }
        }
        return null;
    }

    private static void assertFault(TroveHttp.Reply reply, int status, String name, String message) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode fault = reply.json().get(name);
        assertThat(fault).as(reply.body()).isNotNull();
        assertThat(fault.get("code").asInt()).isEqualTo(status);
        assertThat(fault.get("message").asString()).startsWith(message);
    }

    private void stop(long pid) throws Exception {
        stopped.add(pid);
        signal("STOP", pid);
    }

    private void resume(long pid) throws Exception {
        signal("CONT", pid);
        stopped.remove(pid);
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        kill.waitFor();
    }

    private void deleteEventually(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            int status = trove.trove("DELETE", "/instances/" + id, null).status();
            if (status == 202 || status == 404) {
                break;
            }
            Thread.sleep(200); // busy (422) or still a source (403) while its replicas go
        }
        while (System.nanoTime() < deadline) {
            if (view(id) == null) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /**
     * Writes counter-N = N for increasing N to whichever member takes writes: on READONLY or a
     * connection error it moves to the next member and writes the same N again. Only a write Redis
     * answered OK to counts as acknowledged.
     */
    static final class Writer implements Runnable {

        private final String password;
        private final List<Integer> ports;
        private final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        private final AtomicLong acks = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile Throwable failure;
        private volatile long longestGapNanos;
        private volatile long retries;

        Writer(String password, List<Integer> ports) {
            this.password = password;
            this.ports = ports;
        }

        @Override
        public void run() {
            int target = 0;
            Jedis jedis = null;
            long n = 1;
            long lastAck = System.nanoTime();
            try {
                while (running.get()) {
                    try {
                        if (jedis == null) {
                            jedis = new Jedis("127.0.0.1", ports.get(target), 15_000);
                            jedis.auth(password);
                        }
                        jedis.set("counter-" + n, String.valueOf(n));
                        long now = System.nanoTime();
                        longestGapNanos = Math.max(longestGapNanos, now - lastAck);
                        lastAck = now;
                        acknowledged.add(n);
                        acks.incrementAndGet();
                        n++;
                    } catch (RuntimeException e) {
                        retries++;
                        if (jedis != null) {
                            jedis.close();
                            jedis = null;
                        }
                        target = (target + 1) % ports.size();
                        Thread.sleep(5);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (jedis != null) {
                    jedis.close();
                }
            }
        }

        void awaitAcks(long count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acks.get() < count && System.nanoTime() < deadline && failure == null) {
                Thread.sleep(10);
            }
            assertThat(acks.get()).as("acknowledged writes").isGreaterThanOrEqualTo(count);
        }

        long acks() {
            return acks.get();
        }

        List<Long> acknowledged() {
            return new ArrayList<>(acknowledged);
        }

        long longestGapMillis() {
            return longestGapNanos / 1_000_000;
        }

        long retries() {
            return retries;
        }

        Throwable failure() {
            return failure;
        }

        void stop() {
            running.set(false);
        }
    }
}
