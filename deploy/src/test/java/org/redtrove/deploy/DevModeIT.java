package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.embedded.Processes;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * Dev mode as a user runs it: the packaged jar, a data dir, Ctrl-C / SIGTERM, and a restart after
 * a SIGKILL. State must survive restarts and nothing may be left running after a stop.
 */
class DevModeIT {

    @TempDir
    Path work;

    @Test
    void devModeKeepsStateAcrossAKillAndLeavesNothingRunningAfterItStops() throws Exception {
        Path dataDir = work.resolve("data");
        int port = Processes.freePort();
        int identityPort = Processes.freePort();
        String instanceId;
        int redisPort;
        String password;
        long redisPid;

        try (JarProcess first = JarProcess.start(work, "dev", "--data-dir", dataDir.toString(),
                "--port", String.valueOf(port), "--identity-port", String.valueOf(identityPort))) {
            long began = System.nanoTime();
            first.awaitLine("RedTrove is ready at http://127.0.0.1:" + port + ", identity at http://127.0.0.1:"
                    + identityPort, Duration.ofSeconds(120));
            System.out.printf("FIGURE dev-mode cold start to ready: %.1f s%n", (System.nanoTime() - began) / 1e9);
            assertThat(Files.readString(dataDir.resolve("openrc")))
                    .contains("OS_AUTH_URL=http://127.0.0.1:" + identityPort + "/identity/v3", "OS_USERNAME=admin",
                            "OS_PROJECT_NAME=admin", "OS_PASSWORD=");

            TroveHttp trove = login(dataDir, port);
            var created = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"kept\",\"flavorRef\":1}}");
            assertThat(created.status()).isEqualTo(200);
            instanceId = created.json().get("instance").get("id").asString();
            password = created.json().get("instance").get("password").asString();
            JsonNode active = trove.awaitStatus(instanceId, Duration.ofSeconds(60), "ACTIVE");
            redisPort = active.get("port").asInt();
            try (Jedis redis = new Jedis("127.0.0.1", redisPort)) {
                redis.auth(password);
                redis.set("before-kill", "1");
            }
            redisPid = RedisProcesses.serving(redisPort).get(0);

            first.kill();
        }

        try (JarProcess second = JarProcess.start(work, "dev", "--data-dir", dataDir.toString(),
                "--port", String.valueOf(port), "--identity-port", String.valueOf(identityPort))) {
            second.awaitLine("RedTrove is ready", Duration.ofSeconds(120));
            TroveHttp trove = login(dataDir, port);
            JsonNode instance = trove.awaitStatus(instanceId, Duration.ofSeconds(30), "ACTIVE");
            assertThat(instance.get("name").asString()).isEqualTo("kept");
            // The Redis that outlived the killed JVM was adopted, not restarted.
            assertThat(RedisProcesses.serving(redisPort)).containsExactly(redisPid);
            try (Jedis redis = new Jedis("127.0.0.1", redisPort)) {
                redis.auth(password);
                assertThat(redis.get("before-kill")).isEqualTo("1");
            }

            assertThat(second.terminate(Duration.ofSeconds(60))).isIn(0, 130, 143);
        }

        assertThat(RedisProcesses.serving(redisPort)).isEmpty();
        assertThat(RedisProcesses.mentioning(dataDir.toString())).isEmpty();
    }

    private static TroveHttp login(Path dataDir, int port) throws Exception {
        String password = Files.readString(dataDir.resolve("admin-password")).trim();
        return new TroveHttp("http://127.0.0.1:" + port).login("admin", password, "admin");
    }
}
