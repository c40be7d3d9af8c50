package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * Trove's resize and restart actions, configuration groups and backups through the whole stack, on
 * real redis-servers: a flavor resize reaches every member of the set live (same pids, new
 * maxmemory), a volume resize is shown on every member and a shrink refused with Trove's message, a
 * restart keeps role and data, a group is applied live, and a backup taken from a set's replica
 * restores every key into a new instance after the set is gone.
 */
class TroveParityTest {

    private static final Duration BUILD = Duration.ofSeconds(90);
    private static final long MIB = 1024 * 1024;

    @TempDir
    static Path dataDir;
    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;
    static TenantSets sets;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19550-19599")
                // DiskBudgets looks for instances not held to their volume every half second here
                .withProperties("redtrove.taskmanager.disk-budget-check=500ms"));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        sets = new TenantSets(trove, BUILD);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static TroveHttp.Reply action(String id, String body) throws Exception {
        return trove.trove("POST", "/instances/" + id + "/action", body);
    }

    private static long maxmemory(String id) throws Exception {
        try (Jedis redis = probe.tenant(id)) {
            for (String line : redis.info("memory").split("\r?\n")) {
                if (line.startsWith("maxmemory:")) {
                    return Long.parseLong(line.substring("maxmemory:".length()).trim());
                }
            }
        }
        throw new AssertionError("no maxmemory in INFO memory of " + id);
    }

    private static String message(TroveHttp.Reply reply) {
        JsonNode body = reply.json();
        return body.properties().iterator().next().getValue().get("message").asString();
    }

    @Test
    void aFlavorResizeReachesEveryMemberLiveAndAVolumeOnlyGrows() throws Exception {
        String master = sets.createActive("sized");
        List<String> replicas = sets.createReplicas(master, "sized-r", 1);
        String replica = replicas.get(0);
        long masterPid = RedisProcesses.serving(probe.port(master)).get(0);
        long replicaPid = RedisProcesses.serving(probe.port(replica)).get(0);
        assertThat(maxmemory(master)).isEqualTo(128 * MIB);

        assertThat(message(action(master, "{\"resize\":{\"flavorRef\":\"1\"}}")))
                .isEqualTo("The new flavor id must be different than the current flavor id of '1'.");
        assertThat(action(master, "{\"resize\":{\"flavorRef\":\"99\"}}").status()).isEqualTo(404);
        assertThat(message(action(master, "{\"resize\":{\"flavorRef\":\"2\",\"volume\":{\"size\":3}}}")))
                .isEqualTo("Not allowed to resize volume and flavor at the same time.");

        // Asked on the replica, done for the set: both members, live.
        var resize = action(replica, "{\"resize\":{\"flavorRef\":\"2\"}}");
        assertThat(resize.status()).as(resize.body()).isEqualTo(202);
        // RESIZE on every member while the job runs (it may be done already: CONFIG SET is quick)
        assertThat(probe.view(master).get("status").asString()).isIn("RESIZE", "ACTIVE");
        assertThat(probe.awaitJob(replica, "RESIZE", BUILD).get("state").asString()).isEqualTo("SUCCEEDED");
        for (String id : List.of(master, replica)) {
            trove.awaitStatus(id, BUILD, "ACTIVE");
            assertThat(probe.view(id).get("flavor").get("id").asString()).isEqualTo("2");
            assertThat(maxmemory(id)).isEqualTo(512 * MIB);
        }
        assertThat(RedisProcesses.serving(probe.port(master))).containsExactly(masterPid);
        assertThat(RedisProcesses.serving(probe.port(replica))).containsExactly(replicaPid);

        // The volume: 1 GB (flavor 1's disk) grows to 3 on both; it never shrinks.
        assertThat(action(master, "{\"resize\":{\"volume\":{\"size\":3}}}").status()).isEqualTo(202);
        assertThat(probe.awaitJob(master, "RESIZE", BUILD).get("state").asString()).isEqualTo("SUCCEEDED");
        for (String id : List.of(master, replica)) {
            trove.awaitStatus(id, BUILD, "ACTIVE");
            assertThat(probe.view(id).get("volume").get("size").asInt()).isEqualTo(3);
            // the guest holds the data files to it, and reports what they use (Trove's volume.used)
            assertThat(java.nio.file.Files.readString(AgentAccess.instanceDir(stack.dataDir().resolve("guest"), id)
                    .resolve("instance.json"))).contains("\"diskBudgetBytes\":" + (3L << 30));
            long deadline = System.nanoTime() + BUILD.toNanos();
            while (!probe.view(id).get("volume").has("used") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(probe.view(id).get("volume").get("used").asDouble()).isBetween(1e-9, 0.01);
        }
        var shrink = action(master, "{\"resize\":{\"volume\":{\"size\":2}}}");
        assertThat(shrink.status()).isEqualTo(400);
        assertThat(message(shrink)).isEqualTo("The new volume 'size' must be larger than the current volume size of '3'.");
        assertThat(action(master, "{\"resize\":{\"volume\":{\"size\":0}}}").status()).isEqualTo(400);
    }

    @Test
    void anInstanceWhoseGuestHoldsItToNoVolumeIsHeldToItsVolumeAgain() throws Exception {
        String id = sets.createActive("unlimited");
        var host = stack.guestAgent().getBean(org.redtrove.guestagent.redis.RedisHost.class);
        java.util.UUID uuid = java.util.UUID.fromString(id);
        assertThat(host.describe(uuid).disk().budgetBytes()).isEqualTo(1L << 30);
        // as an instance from before volumes were limits: its guest holds it to nothing
        host.limitDisk(new org.redtrove.common.GuestRequest.LimitDisk(uuid, 0));
        assertThat(host.describe(uuid).disk()).isNull();
        // the taskmanager notices in the heartbeats and sends the volume (flavor 1's 1 GB disk)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((host.describe(uuid).disk() == null) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(host.describe(uuid).disk()).as("held to its volume again").isNotNull();
        assertThat(host.describe(uuid).disk().budgetBytes()).isEqualTo(1L << 30);
    }

    @Test
    void aRestartKeepsRoleAndDataAndStartsANewProcess() throws Exception {
        String master = sets.createActive("restarted");
        String replica = sets.createReplicas(master, "restarted-r", 1).get(0);
        try (Jedis redis = probe.tenant(master)) {
            for (int i = 0; i < 100; i++) {
                redis.set("k" + i, "v" + i);
            }
        }
        probe.awaitValue(replica, "k99", "v99", BUILD);
        for (String id : List.of(replica, master)) {
            long pid = RedisProcesses.serving(probe.port(id)).get(0);
            var restart = action(id, "{\"restart\":{}}");
            assertThat(restart.status()).as(restart.body()).isEqualTo(202);
            assertThat(probe.view(id).get("status").asString()).isEqualTo("REBOOT");
            assertThat(probe.awaitJob(id, "RESTART", BUILD).get("state").asString()).isEqualTo("SUCCEEDED");
            trove.awaitStatus(id, BUILD, "ACTIVE");
            assertThat(RedisProcesses.serving(probe.port(id))).doesNotContain(pid).hasSize(1);
        }
        assertThat(probe.role(master)).isEqualTo("master");
        assertThat(probe.role(replica)).isEqualTo("slave");
        try (Jedis redis = probe.tenant(master)) {
            // a restarted master refuses writes (NOREPLICAS) until its replica is back with it
            SetProbe.setWhenTaken(redis, "after", "restart");
            for (int i = 0; i < 100; i++) {
                assertThat(redis.get("k" + i)).isEqualTo("v" + i);
            }
        }
        probe.awaitValue(replica, "after", "restart", BUILD);
        JsonNode jobs = trove.trove("GET", "/instances/" + master + "/jobs", null).json().get("jobs");
        assertThat(jobs.get(0).get("kind").asString()).isEqualTo("RESTART");
        assertThat(jobs.get(0).get("progress").get("warning").asString()).contains("restarts in place");
    }

    private static Jedis agent(String id) throws Exception {
        return AgentAccess.connect(AgentAccess.instanceDir(stack.dataDir().resolve("guest"), id), probe.port(id));
    }

    private static String configGet(String id, String name) throws Exception {
        try (Jedis redis = agent(id)) {
            return redis.configGet(name).get(name);
        }
    }

    @Test
    void aConfigurationGroupIsAppliedLiveToTheWholeSetAndRefusesWhatATenantMayNotSet() throws Exception {
        JsonNode parameters = trove.trove("GET", "/datastores/redis/versions/7.0/parameters", null).json()
                .get("configuration-parameters");
        List<String> names = new java.util.ArrayList<>();
        parameters.forEach(p -> names.add(p.get("name").asString()));
        assertThat(names).contains("maxmemory-policy", "timeout", "notify-keyspace-events", "hash-max-listpack-entries")
                .doesNotContain("dir", "requirepass", "replicaof", "maxmemory", "appendonly");
        assertThat(trove.trove("GET", "/datastores/redis/versions/7.0/parameters/timeout", null).json()
                .get("type").asString()).isEqualTo("integer");
        assertThat(trove.trove("GET", "/datastores/redis/versions/7.0/parameters/dir", null).status()).isEqualTo(404);

        var forbidden = trove.trove("POST", "/configurations", """
                {"configuration": {"name": "bad", "values": {"dir": "/tmp"}}}""");
        assertThat(forbidden.status()).isEqualTo(422);
        assertThat(message(forbidden)).contains("The configuration parameter dir is not supported");
        var outOfRange = trove.trove("POST", "/configurations", """
                {"configuration": {"name": "bad", "values": {"maxmemory-samples": 100}}}""");
        assertThat(outOfRange.status()).isEqualTo(422);
        assertThat(message(outOfRange)).contains("greater than the maximum allowed: 64");
        assertThat(trove.trove("POST", "/configurations", """
                {"configuration": {"name": "bad", "values": {"maxmemory-policy": "lots"}}}""").status()).isEqualTo(422);

        var created = trove.trove("POST", "/configurations", """
                {"configuration": {"name": "tuned", "description": "for caches",
                 "values": {"maxmemory-policy": "allkeys-lru", "timeout": 300, "notify-keyspace-events": "Ex"}}}""");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String group = created.json().get("configuration").get("id").asString();

        // attached to the master, applied to the whole set, live (same pid)
        String master = sets.createActive("tuned");
        String replica = sets.createReplicas(master, "tuned-r", 1).get(0);
        long pid = RedisProcesses.serving(probe.port(master)).get(0);
        var attach = trove.trove("PUT", "/instances/" + master, "{\"instance\":{\"configuration\":\"" + group + "\"}}");
        assertThat(attach.status()).as(attach.body()).isEqualTo(202);
        assertThat(probe.awaitJob(master, "CONFIGURE", BUILD).get("state").asString()).isEqualTo("SUCCEEDED");
        for (String id : List.of(master, replica)) {
            assertThat(configGet(id, "maxmemory-policy")).isEqualTo("allkeys-lru");
            assertThat(configGet(id, "timeout")).isEqualTo("300");
            assertThat(probe.view(id).get("configuration").get("id").asString()).isEqualTo(group);
        }
        assertThat(RedisProcesses.serving(probe.port(master))).containsExactly(pid);
        assertThat(trove.trove("GET", "/configurations/" + group + "/instances", null).json().get("instances"))
                .hasSize(2);
        assertThat(trove.trove("DELETE", "/configurations/" + group, null).status()).as("in use").isEqualTo(400);

        // a change reaches the set; a restart keeps it (it is in the instance's files)
        assertThat(trove.trove("PATCH", "/configurations/" + group, """
                {"configuration": {"values": {"timeout": 60}}}""").status()).isEqualTo(202);
        probe.awaitJob(master, "CONFIGURE", BUILD);
        long deadline = System.nanoTime() + BUILD.toNanos();
        while (!"60".equals(configGet(replica, "timeout")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(configGet(replica, "timeout")).isEqualTo("60");
        assertThat(configGet(replica, "maxmemory-policy")).isEqualTo("allkeys-lru");
        assertThat(action(replica, "{\"restart\":{}}").status()).isEqualTo(202);
        assertThat(probe.awaitJob(replica, "RESTART", BUILD).get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(configGet(replica, "timeout")).isEqualTo("60");

        // a detach (trove configuration-detach sends PUT {"instance": {}}) gives back Redis's defaults
        assertThat(trove.trove("PUT", "/instances/" + master, "{\"instance\":{}}").status()).isEqualTo(202);
        deadline = System.nanoTime() + BUILD.toNanos();
        while (!"noeviction".equals(configGet(master, "maxmemory-policy")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        for (String id : List.of(master, replica)) {
            assertThat(configGet(id, "maxmemory-policy")).isEqualTo("noeviction");
            assertThat(configGet(id, "timeout")).isEqualTo("0");
            assertThat(probe.view(id).has("configuration")).isFalse();
        }
        assertThat(trove.trove("DELETE", "/configurations/" + group, null).status()).isEqualTo(202);
    }

    private static long rdbSaves(String id) throws Exception {
        try (Jedis redis = agent(id)) {
            for (String line : redis.info("persistence").split("\r?\n")) {
                if (line.startsWith("rdb_saves:")) {
                    return Long.parseLong(line.substring("rdb_saves:".length()).trim());
                }
            }
        }
        throw new AssertionError("no rdb_saves in INFO persistence of " + id);
    }

    private static JsonNode awaitBackup(String backupId, String status) throws Exception {
        long deadline = System.nanoTime() + BUILD.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = trove.trove("GET", "/backups/" + backupId, null).json().get("backup");
            if (status.equals(last.get("status").asString())) {
                return last;
            }
            assertThat(last.get("status").asString()).as(last.toString()).isNotEqualTo("FAILED");
            Thread.sleep(100);
        }
        throw new AssertionError("backup " + backupId + " did not reach " + status + ": " + last);
    }

    private static void awaitGone(String path) throws Exception {
        long deadline = System.nanoTime() + BUILD.toNanos();
        while (trove.trove("GET", path, null).status() != 404) {
            assertThat(System.nanoTime()).as(path + " still there").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Every key of the tenant's data set: its type and its value as Redis gives them back. */
    private static java.util.Map<String, String> dataSet(String id) throws Exception {
        java.util.Map<String, String> data = new java.util.TreeMap<>();
        try (Jedis redis = probe.tenant(id)) {
            for (String key : redis.keys("*")) {
                String type = redis.type(key);
                String value = switch (type) {
                    case "string" -> redis.get(key);
                    case "hash" -> new java.util.TreeMap<>(redis.hgetAll(key)).toString();
                    case "list" -> redis.lrange(key, 0, -1).toString();
                    case "set" -> new java.util.TreeSet<>(redis.smembers(key)).toString();
                    case "zset" -> redis.zrangeWithScores(key, 0, -1).toString();
                    default -> throw new AssertionError("unexpected type " + type + " of " + key);
                };
                data.put(key, type + " " + value);
            }
        }
        return data;
    }

    @Test
    void aBackupIsTakenFromTheReplicaAndRestoresEveryKeyAfterTheSetIsGone() throws Exception {
        String master = sets.createActive("backed");
        String replica = sets.createReplicas(master, "backed-r", 1).get(0);
        try (Jedis redis = probe.tenant(master)) {
            for (int i = 0; i < 2000; i++) {
                redis.set("s:" + i, "value-" + i + "-" + "x".repeat(i % 50));
            }
            for (int i = 0; i < 100; i++) {
                redis.hset("h:" + i, java.util.Map.of("a", "1", "b", Integer.toString(i), "c", "three"));
                redis.rpush("l:" + i, "one", "two", Integer.toString(i));
                redis.sadd("set:" + i, "x", "y", Integer.toString(i));
                redis.zadd("z:" + i, i, "m" + i);
                redis.zadd("z:" + i, 0.5, "half");
            }
            redis.setex("expiring", 86_400, "for a day");
            redis.set("last", "written");
        }
        probe.awaitValue(replica, "last", "written", BUILD);
        java.util.Map<String, String> before = dataSet(master);
        assertThat(before).hasSize(2000 + 4 * 100 + 2);
        long masterSaves = rdbSaves(master);
        long replicaSaves = rdbSaves(replica);

        var created = trove.trove("POST", "/backups", "{\"backup\":{\"name\":\"nightly\",\"instance\":\""
                + master + "\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        assertThat(created.json().get("backup").get("status").asString()).isEqualTo("NEW");
        String backupId = created.json().get("backup").get("id").asString();
        JsonNode backup = awaitBackup(backupId, "COMPLETED");
        trove.awaitStatus(master, BUILD, "ACTIVE");

        // read from the replica: it forked for the snapshot, the master did not
        assertThat(rdbSaves(replica)).isEqualTo(replicaSaves + 1);
        assertThat(rdbSaves(master)).isEqualTo(masterSaves);
        JsonNode job = probe.awaitJob(master, "BACKUP", BUILD);
        assertThat(job.get("progress").get("source").asString()).isEqualTo(replica);
        assertThat(job.get("progress").get("summary").asString())
                .matches("stored [0-9]+\\.[0-9] MB from " + java.util.regex.Pattern.quote(probe.view(replica)
                        .get("name").asString()));
        // what the store holds is what the row says
        Path file = stack.dataDir().resolve("backups").resolve(backupId + ".rdb");
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        assertThat(backup.get("size_bytes").asLong()).isEqualTo(bytes.length);
        assertThat(backup.get("checksum").asString()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(java.nio.file.Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(backup.get("locationRef").asString()).endsWith(backupId + ".rdb");

        // written after the snapshot: not in the backup
        try (Jedis redis = probe.tenant(master)) {
            SetProbe.setWhenTaken(redis, "after", "the backup");
        }
        assertThat(trove.trove("DELETE", "/instances/" + replica, null).status()).isEqualTo(202);
        awaitGone("/instances/" + replica);
        assertThat(trove.trove("DELETE", "/instances/" + master, null).status()).isEqualTo(202);
        awaitGone("/instances/" + master);

        var restore = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"restored\",\"flavorRef\":\"1\","
                + "\"restorePoint\":{\"backupRef\":\"" + backupId + "\"}}}");
        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        String restored = restore.json().get("instance").get("id").asString();
        trove.awaitStatus(restored, BUILD, "ACTIVE");
        assertThat(dataSet(restored)).isEqualTo(before);
        try (Jedis redis = probe.tenant(restored)) {
            assertThat(redis.exists("after")).isFalse();
            assertThat(redis.ttl("expiring")).isPositive();
            redis.set("new", "write");
        }
        // the restored data is the instance's own now: a restart loads it from its AOF
        assertThat(action(restored, "{\"restart\":{}}").status()).isEqualTo(202);
        assertThat(probe.awaitJob(restored, "RESTART", BUILD).get("state").asString()).isEqualTo("SUCCEEDED");
        java.util.Map<String, String> afterRestart = dataSet(restored);
        assertThat(afterRestart).containsEntry("new", "string write").hasSize(before.size() + 1);

        assertThat(trove.trove("DELETE", "/backups/" + backupId, null).status()).isEqualTo(202);
        awaitGone("/backups/" + backupId);
        assertThat(file).doesNotExist();
    }
}
