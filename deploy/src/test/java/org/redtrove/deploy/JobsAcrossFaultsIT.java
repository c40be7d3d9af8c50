package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.embedded.SharedTestDatabase;
import tools.jackson.databind.JsonNode;

/**
 * Jobs that meet a fault half-way and must still finish, as the chaos run found them not to: an
 * attach whose taskmanager dies at a replica's REPLICAOF, a create whose guest requests meet a
 * broker outage, and a promote whose step records meet a PostgreSQL restart. Separate processes of the packaged jar, two taskmanagers.
 */
class JobsAcrossFaultsIT {

    private static final Duration RECOVERY = Duration.ofSeconds(120);

    @TempDir
    static Path work;
    static ProcessStack stack;
    static TroveHttp trove;

    @BeforeAll
    static void start() throws Exception {
        stack = ProcessStack.startForCrashes(work, List.of("host-a", "host-b"));
        trove = stack.login();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAttachWhoseTaskmanagerDiesAtAReplicaofResumesFromItsRecordedSteps() throws Exception {
        TenantSets tenant = new TenantSets(trove, RECOVERY);
        SetProbe probe = new SetProbe(trove);
        String master = tenant.createActiveWith("attach-killed", "before", "attach");
        stack.haltAt("ATTACH_REPLICAS:follow-*:after-effect");
        String replica = tenant.requestReplicas(master, "attach-killed-r", 1).get(0);
        JarProcess halted = stack.awaitTaskmanagerLine("FAILPOINT ATTACH_REPLICAS:follow-" + replica, RECOVERY);
        halted.kill();
        stack.releaseHalts();
        stack.startTaskmanager();

        JsonNode job = probe.awaitJob(master, "ATTACH_REPLICAS", RECOVERY);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        List<String> steps = new ArrayList<>();
        job.get("progress").get("completedSteps").forEach(s -> steps.add(s.asString()));
        assertThat(steps).contains("place-" + replica, "prepare-" + replica, "follow-" + replica);
        probe.assertApiMatchesRedis(List.of(master, replica), "before", "attach", RECOVERY);
    }

    @Test
    void aCreateWhoseGuestRequestsMeetABrokerOutageIsBuiltOnceTheBrokerIsBack() throws Exception {
        stack.haltAt("CREATE:place:after");
        var created = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"outage\",\"flavorRef\":\"1\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asString();
        stack.awaitTaskmanagerLine("FAILPOINT CREATE:place:after reached", RECOVERY);
        stack.stopBroker();
        // The job goes on to its guest's prepare while the broker is away.
        stack.releaseHalts();
        Thread.sleep(20_000);
        stack.startBroker();

        JsonNode job = new SetProbe(trove).awaitJob(id, "CREATE", RECOVERY);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        new SetProbe(trove).assertApiMatchesRedis(List.of(id), null, null, RECOVERY);
    }

    @Test
    void aPromoteWhoseStepRecordsMeetAPostgresRestartIsResumedNotFailed() throws Exception {
        TenantSets tenant = new TenantSets(trove, RECOVERY);
        SetProbe probe = new SetProbe(trove);
        String master = tenant.createActiveWith("pg-restart", "before", "restart");
        List<String> replicas = tenant.createReplicas(master, "pg-restart-r", 2);
        stack.haltAt("PROMOTE:repoint-*:after-effect");
        var promote = trove.trove("POST", "/instances/" + replicas.get(0) + "/action",
                "{\"promote_to_replica_source\":{}}");
        assertThat(promote.status()).as(promote.body()).isEqualTo(202);
        stack.awaitTaskmanagerLine("FAILPOINT PROMOTE:repoint-", RECOVERY);
        // The re-pointed member's record meets a database that is going away.
        SharedTestDatabase.restart(Duration.ofSeconds(10), () -> {
            try {
                stack.releaseHalts();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        JsonNode job = probe.awaitJob(replicas.get(0), "PROMOTE", RECOVERY);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        List<String> members = new ArrayList<>(List.of(master));
        members.addAll(replicas);
        probe.assertApiMatchesRedis(members, "before", "restart", RECOVERY);
    }
}
