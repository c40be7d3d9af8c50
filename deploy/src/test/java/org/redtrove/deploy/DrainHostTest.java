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
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * The runbook's "Drain a host" (deploy/runbooks/hosts-and-upgrades.md), step by step, on a dev
 * mode with three hosts: the drain hands the host's master to a replica elsewhere without losing a
 * write, nothing new lands there, the replica left behind is replaced by one elsewhere, and the
 * host ends empty and, once resumed, takes instances again.
 */
class DrainHostTest {

    private static final Duration BUILD = Duration.ofSeconds(90);

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;

    @BeforeAll
    static void startThreeHosts() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19850-19899"));
        stack.startExtraGuestAgent("drain-b", "19900-19949", true);
        stack.startExtraGuestAgent("drain-c", "19950-19999", true);
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (live(hosts()) < 3) {
            assertThat(System.nanoTime()).as("three hosts heartbeating").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void drainingAHostMovesItsMastersAwayAndPlacesNothingThere() throws Exception {
        String master = trove.createInstance("{\"instance\":{\"name\":\"drained\",\"flavorRef\":\"1\"}}");
        trove.awaitStatus(master, BUILD, "ACTIVE");
        var added = trove.trove("POST", "/instances",
                "{\"instance\":{\"name\":\"drained-r\",\"replica_of\":\"" + master + "\",\"replica_count\":2}}");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        List<String> replicas = new ArrayList<>();
        probe.view(master).get("replicas").forEach(r -> replicas.add(r.get("id").asString()));
        for (String id : replicas) {
            trove.awaitStatus(id, BUILD, "ACTIVE");
        }
        String drained = hostOf(master);
        assertThat(replicas).as("anti-affinity: each replica on a host of its own")
                .extracting(DrainHostTest::hostOf).doesNotHaveDuplicates().doesNotContain(drained);
        try (Jedis tenant = probe.tenant(master)) {
            tenant.set("before-the-drain", "kept");
        }

        // the runbook's step 1: drain
        var drain = action(drained, "{\"drain\":{}}");
        assertThat(drain.status()).as(drain.body()).isEqualTo(202);
        JsonNode handover = drain.json().get("handovers").get(0);
        assertThat(handover.get("instance").asString()).isEqualTo(master);
        assertThat(handover.get("skipped").isNull()).as(drain.body()).isTrue();
        String newMaster = handover.get("replica").asString();
        assertThat(replicas).contains(newMaster);
        assertThat(drain.json().get("host").get("draining").asBoolean()).isTrue();

        JsonNode promote = probe.awaitJob(newMaster, "PROMOTE", BUILD);
        assertThat(promote.get("state").asString()).as(promote.toString()).isEqualTo("SUCCEEDED");
        trove.awaitStatus(newMaster, BUILD, "ACTIVE");
        assertThat(probe.view(newMaster).has("replica_of")).isFalse();
        assertThat(probe.view(master).get("replica_of").get("id").asString()).isEqualTo(newMaster);
        probe.awaitValue(newMaster, "before-the-drain", "kept", BUILD);
        assertThat(host(drained).get("masters").asInt()).isZero();

        // draining again finds no master left; nothing new is placed on the host
        var again = action(drained, "{\"drain\":{}}");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("handovers").size()).isZero();
        String fresh = trove.createInstance("{\"instance\":{\"name\":\"after-drain\",\"flavorRef\":\"1\"}}");
        trove.awaitStatus(fresh, BUILD, "ACTIVE");
        assertThat(hostOf(fresh)).isNotEqualTo(drained);

        // step 2: the replica left on the host is replaced by one elsewhere, then deleted
        var replacement = trove.trove("POST", "/instances",
                "{\"instance\":{\"name\":\"drained-r3\",\"replica_of\":\"" + newMaster + "\"}}");
        assertThat(replacement.status()).as(replacement.body()).isEqualTo(200);
        String r3 = replacement.json().get("instance").get("id").asString();
        trove.awaitStatus(r3, BUILD, "ACTIVE");
        assertThat(hostOf(r3)).isNotEqualTo(drained);
        assertThat(trove.trove("DELETE", "/instances/" + master, null).status()).isEqualTo(202);
        trove.trove("DELETE", "/instances/" + fresh, null);
        long deadline = System.nanoTime() + BUILD.toNanos();
        while (host(drained).get("instanceCount").asInt() > 0) {
            assertThat(System.nanoTime()).as("the drained host empty: " + host(drained)).isLessThan(deadline);
            Thread.sleep(200);
        }
        probe.awaitValue(r3, "before-the-drain", "kept", BUILD);

        // resumed, it takes instances again
        var resume = action(drained, "{\"resume\":{}}");
        assertThat(resume.status()).as(resume.body()).isEqualTo(200);
        assertThat(resume.json().get("host").get("draining").asBoolean()).isFalse();
    }

    @Test
    void hostsAreForAdminsAndBadActionsAreRefused() throws Exception {
        String someHost = hosts().get(0).get("id").asString();
        assertThat(action(someHost, "{\"evacuate\":{}}").status()).isEqualTo(400);
        assertThat(action(someHost, "{\"drain\":{},\"resume\":{}}").status()).isEqualTo(400);
        var missing = trove.trove("GET", "/mgmt/hosts/no-such-host", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("itemNotFound").get("message").asString()).contains("no-such-host");
        assertThat(trove.trove("GET", "/mgmt/hosts", null).status()).isEqualTo(200);
        assertThat(trove.send("GET", "/v1.0/" + trove.projectId() + "/mgmt/hosts", null, null).status())
                .isEqualTo(401);
    }

    private static TroveHttp.Reply action(String host, String body) throws Exception {
        return trove.trove("POST", "/mgmt/hosts/" + host + "/action", body);
    }

    private static List<JsonNode> hosts() throws Exception {
        List<JsonNode> list = new ArrayList<>();
        trove.trove("GET", "/mgmt/hosts", null).json().get("hosts").forEach(list::add);
        return list;
    }

    private static long live(List<JsonNode> hosts) {
        return hosts.stream().filter(h -> h.get("heartbeat_age_seconds").asDouble() >= 0
                && h.get("heartbeat_age_seconds").asDouble() < 5).count();
    }

    private static JsonNode host(String id) throws Exception {
        var reply = trove.trove("GET", "/mgmt/hosts/" + id, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("host");
    }

    /** The id of the host whose listing holds the instance. */
    private static String hostOf(String instance) {
        try {
            for (JsonNode h : hosts()) {
                for (JsonNode i : host(h.get("id").asString()).get("instances")) {
                    if (i.get("id").asString().equals(instance)) {
                        return h.get("id").asString();
                    }
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no host lists " + instance);
    }
}
