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
 * Trove's resize and restart actions through the whole stack, on real redis-servers: a flavor
 * resize reaches every member of the set live (same pids, new maxmemory), a volume resize is shown
 * on every member and a shrink refused with Trove's message, and a restart keeps role and data.
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
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19550-19599"));
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
        }
        var shrink = action(master, "{\"resize\":{\"volume\":{\"size\":2}}}");
        assertThat(shrink.status()).isEqualTo(400);
        assertThat(message(shrink)).isEqualTo("The new volume 'size' must be larger than the current volume size of '3'.");
        assertThat(action(master, "{\"resize\":{\"volume\":{\"size\":0}}}").status()).isEqualTo(400);
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
            redis.set("after", "restart");
            for (int i = 0; i < 100; i++) {
                assertThat(redis.get("k" + i)).isEqualTo("v" + i);
            }
        }
        probe.awaitValue(replica, "after", "restart", BUILD);
        JsonNode jobs = trove.trove("GET", "/instances/" + master + "/jobs", null).json().get("jobs");
        assertThat(jobs.get(0).get("kind").asString()).isEqualTo("RESTART");
        assertThat(jobs.get(0).get("progress").get("warning").asString()).contains("restarts in place");
    }
}
