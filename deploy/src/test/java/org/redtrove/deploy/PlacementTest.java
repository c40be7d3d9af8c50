package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import org.springframework.jdbc.core.simple.JdbcClient;
import redis.clients.jedis.Jedis;

/**
 * Two hosts (two guest agents, each with its own host id, data dir and ports): replicas go to a
 * host other than their source's, so that one host failing cannot take a master and its replica.
 */
class PlacementTest {

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;

    @BeforeAll
    static void startThreeHosts() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withIdentityPort(0)
                .withGuestPortRange("19400-19449"));
        stack.startExtraGuestAgent("second-host", "19450-19499");
        stack.startExtraGuestAgent("third-host", "19350-19399");
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        JdbcClient jdbc = jdbc();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (jdbc.sql("select count(*) from hosts where last_heartbeat_at > now() - interval '5 seconds'")
                .query(Integer.class).single() < 3) {
            assertThat(System.nanoTime()).as("the three hosts registered").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void replicasArePlacedOnAHostOtherThanTheirSources() throws Exception {
        var created = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"placed\",\"flavorRef\":1}}");
        String source = created.json().get("instance").get("id").asString();
        String password = created.json().get("instance").get("password").asString();
        trove.awaitStatus(source, Duration.ofSeconds(60), "ACTIVE");
        try (Jedis redis = new Jedis("127.0.0.1", trove.trove("GET", "/instances/" + source, null).json()
                .get("instance").get("port").asInt())) {
            redis.auth(password);
            redis.set("across", "hosts");
        }

        var reply = trove.trove("POST", "/instances",
                "{\"instance\":{\"name\":\"placed-r\",\"replica_of\":\"" + source + "\",\"replica_count\":2}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> replicas = new ArrayList<>();
        trove.trove("GET", "/instances/" + source, null).json().get("instance").get("replicas")
                .forEach(r -> replicas.add(r.get("id").asString()));
        for (String replica : replicas) {
            trove.awaitStatus(replica, Duration.ofSeconds(60), "ACTIVE");
        }

        String sourceHost = hostOf(source);
        for (String replica : replicas) {
            assertThat(hostOf(replica)).as("host of replica " + replica).isNotEqualTo(sourceHost);
            int port = trove.trove("GET", "/instances/" + replica, null).json().get("instance").get("port").asInt();
            try (Jedis redis = new Jedis("127.0.0.1", port)) {
                redis.auth(password);
                assertThat(redis.get("across")).isEqualTo("hosts");
            }
        }
    }

    @Test
    void replicasAttachedTogetherAreSpreadOverHostsOneMemberEach() throws Exception {
        var created = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"spread\",\"flavorRef\":1}}");
        String source = created.json().get("instance").get("id").asString();
        trove.awaitStatus(source, Duration.ofSeconds(60), "ACTIVE");
        var reply = trove.trove("POST", "/instances",
                "{\"instance\":{\"name\":\"spread-r\",\"replica_of\":\"" + source + "\",\"replica_count\":2}}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> members = new ArrayList<>(List.of(source));
        trove.trove("GET", "/instances/" + source, null).json().get("instance").get("replicas")
                .forEach(r -> members.add(r.get("id").asString()));
        for (String replica : members.subList(1, members.size())) {
            trove.awaitStatus(replica, Duration.ofSeconds(60), "ACTIVE");
        }
        assertThat(members.stream().map(PlacementTest::hostOf).distinct().count())
                .as("hosts of the set's three members").isEqualTo(3);
    }

    private static String hostOf(String instanceId) {
        return jdbc().sql("select host_id from instances where id = ?").param(UUID.fromString(instanceId))
                .query(String.class).single();
    }

    private static JdbcClient jdbc() {
        return stack.taskmanager().getBean(JdbcClient.class);
    }
}
