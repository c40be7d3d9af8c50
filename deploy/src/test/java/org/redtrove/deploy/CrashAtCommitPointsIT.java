package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The crash that used to leave two masters: a process killed with SIGKILL at the exact moment a
 * promote, an eject or a detach passes a commit point. Two taskmanagers run, as in production;
 * a failpoint halts the job in whichever runs it; the test kills the process the scenario names
 * and the halted taskmanager, and checks that the other taskmanager resumes the job once its
 * lease lapses and leaves exactly one master per set and an API that matches every Redis's real
 * role and data. A replacement taskmanager starts meanwhile, for the next scenario.
 */
class CrashAtCommitPointsIT {

    private static final Duration RECOVERY = Duration.ofSeconds(90);

    @TempDir
    static Path work;
    static ProcessStack stack;
    static TroveHttp trove;

    @BeforeAll
    static void start() throws Exception {
        stack = ProcessStack.startForCrashes(work, List.of("host-a", "host-b", "host-c"),
                "redtrove.failover.block-period=1s");
        trove = stack.login();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @ParameterizedTest(name = "{1} killed at {0}")
    @CsvSource({
            "PROMOTE:commit:after, taskmanager",
            "PROMOTE:demote-old-master:after-effect, taskmanager",
            "PROMOTE:promote-candidate:after-effect, taskmanager",
            "PROMOTE:promote-candidate:after, taskmanager",
            "PROMOTE:commit:after, guestagent",
            "PROMOTE:promote-candidate:after-effect, api",
            "EJECT:commit:after, taskmanager",
            "EJECT:promote-chosen:after-effect, taskmanager",
            "EJECT:commit:after, guestagent",
            "DETACH:commit:after, taskmanager",
            "DETACH:become-master:after-effect, taskmanager",
            "DETACH:commit:after, api"})
    void aProcessKilledAtACommitPointLeavesOneMasterAndAnApiThatMatchesRedis(String failpoint, String victim)
            throws Exception {
        try {
            run(failpoint, victim);
        } catch (AssertionError | Exception e) {
            throw new AssertionError(e.getMessage() + stack.outputs(), e);
        }
    }

    private void run(String failpoint, String victim) throws Exception {
        String kind = failpoint.substring(0, failpoint.indexOf(':'));
        String name = (kind + "-" + victim).toLowerCase();
        TenantSets tenant = new TenantSets(trove, RECOVERY);
        String master = tenant.createActiveWith(name, "before", name);
        List<String> replicas = tenant.createReplicas(master, name + "-r", 2);

        stack.haltAt(failpoint);
        long pausedPid = startJob(kind, master, replicas);
        JarProcess halted = stack.awaitTaskmanagerLine("FAILPOINT " + failpoint + " reached", RECOVERY);

        switch (victim) {
            case "guestagent" -> stack.killAndRestartGuest(hostOf(replicas.get(0)));
            case "api" -> {
                stack.killAndRestartApi();
                trove = stack.login();
            }
            default -> { }
        }
        halted.kill();
        // Only now: a point that leaves the file releases the thread it halted.
        stack.releaseHalts();
        if (pausedPid > 0) {
            RedisProcesses.signal("CONT", pausedPid);
        }
        Thread replacement = stack.startTaskmanagerInBackground();

        JsonNode job = new SetProbe(trove).awaitJob(kind.equals("EJECT") ? master : replicas.get(0), kind, RECOVERY);
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        List<String> members = new ArrayList<>(List.of(master));
        members.addAll(replicas);
        if (kind.equals("DETACH")) {
            assertOneMasterMatchingTheApi(List.of(master, replicas.get(1)), name);
            assertOneMasterMatchingTheApi(List.of(replicas.get(0)), name);
        } else {
            assertOneMasterMatchingTheApi(members, name);
        }
        for (String id : members) {
            trove.trove("DELETE", "/instances/" + id, null);
        }
        replacement.join();
    }

    /** Starts the job of the scenario; answers the pid it stopped with SIGSTOP, for an eject (else -1). */
    private long startJob(String kind, String master, List<String> replicas) throws Exception {
        switch (kind) {
            case "PROMOTE" -> {
                var reply = trove.trove("POST", "/instances/" + replicas.get(0) + "/action",
                        "{\"promote_to_replica_source\":{}}");
                assertThat(reply.status()).as(reply.body()).isEqualTo(202);
                return -1;
            }
            case "DETACH" -> {
                var reply = trove.trove("PATCH", "/instances/" + replicas.get(0), "{\"instance\":{\"replica_of\":null}}");
                assertThat(reply.status()).as(reply.body()).isEqualTo(202);
                return -1;
            }
            default -> {
                // The master hangs: the set supervisor fails it over on its own.
                long pid = RedisProcesses.serving(new SetProbe(trove).port(master)).get(0);
                RedisProcesses.signal("STOP", pid);
                return pid;
            }
        }
    }

    private void assertOneMasterMatchingTheApi(List<String> members, String seed) throws Exception {
        new SetProbe(trove).assertApiMatchesRedis(members, "before", seed, RECOVERY);
    }

    private static String hostOf(String instance) throws Exception {
        return stack.hostOfPort(new SetProbe(trove).port(instance));
    }
}
