package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.embedded.LocalService;
import org.redtrove.embedded.Processes;
import org.redtrove.embedded.RequiresLocalServices;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * The production shape: api, taskmanager and guestagent as three processes of the same jar,
 * against the machine's running PostgreSQL (127.0.0.1:5432) and RabbitMQ (127.0.0.1:5672). Each
 * run gets its own database and queue prefix, so it cannot disturb anything else there. Skipped,
 * saying so, where those are not running; .ci/run starts them and requires it.
 */
@RequiresLocalServices({LocalService.POSTGRESQL, LocalService.RABBITMQ})
class SeparateServicesIT {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    private static final String RABBITMQ = "amqp://guest:guest@127.0.0.1:5672";

    @TempDir
    Path work;

    private final String database = "redtrove_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void createDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        }
    }

    @Test
    void threeServicesBuildAndDeleteARedisThroughTheRealBroker() throws Exception {
        int apiPort = Processes.freePort();
        String db = "--redtrove.db.url=jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres";
        String amqp = "--redtrove.amqp.url=" + RABBITMQ;
        String pre = "--redtrove.amqp.prefix=" + prefix;
        // the metrics token through the environment, as a service unit gives it; free management ports
        java.util.Map<String, String> env = java.util.Map.of("REDTROVE_METRICS_TOKEN", METRICS_TOKEN);
        try (JarProcess taskmanager = JarProcess.start(work, env, "taskmanager", db, amqp, pre,
                "--redtrove.metrics.port=0");
             JarProcess guest = JarProcess.start(work, env, "guestagent", amqp, pre,
                     "--redtrove.guest.data-dir=" + work.resolve("guest"),
                     "--redtrove.guest.port-range=19600-19699",
                     "--redtrove.guest.stop-redis-on-shutdown=true", "--redtrove.metrics.port=0");
             JarProcess api = JarProcess.start(work, env, "api", db, amqp, pre, "--redtrove.api.port=" + apiPort,
                     "--redtrove.identity.port=" + Processes.freePort(), "--redtrove.sentinel.port=0",
                     "--redtrove.identity.bootstrap.user=operator",
                     "--redtrove.identity.bootstrap.password=operator-secret",
                     "--redtrove.identity.bootstrap.project=ops")) {
            try {
                run(apiPort, taskmanager, guest, api);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(e.getMessage() + "\n--- taskmanager:\n" + taskmanager.output()
                        + "\n--- guestagent:\n" + guest.output() + "\n--- api:\n" + api.output(), e);
            }
        }
    }

    private void run(int apiPort, JarProcess taskmanager, JarProcess guest, JarProcess api) throws Exception {
        {
            TroveHttp trove = new TroveHttp("http://127.0.0.1:" + apiPort);
            awaitHttp(trove, Duration.ofSeconds(120), api);
            trove.login("operator", "operator-secret", "ops");

            // The guest registers through the conductor; until then no host can take the instance.
            var created = awaitCreate(trove, Duration.ofSeconds(60));
            String id = created.get("id").asString();
            String password = created.get("password").asString();
            JsonNode active = trove.awaitStatus(id, Duration.ofSeconds(60), "ACTIVE");
            int port = active.get("port").asInt();
            try (Jedis redis = new Jedis("127.0.0.1", port)) {
                redis.auth(password);
                redis.set("three", "processes");
                assertThat(redis.get("three")).isEqualTo("processes");
            }

            // each service's metrics, behind the token, counting what just happened
            assertThat(Scrape.status("http://127.0.0.1:" + apiPort + "/actuator/prometheus")).isEqualTo(401);
            assertThat(Scrape.of("http://127.0.0.1:" + apiPort + "/actuator/prometheus", METRICS_TOKEN)
                    .names("redtrove_outbox_depth")).isTrue();
            assertThat(Scrape.of(metricsUrl(taskmanager), METRICS_TOKEN).sum("redtrove_job_runs_seconds_count",
                    "kind", "CREATE", "outcome", "succeeded")).isEqualTo(1);
            long deadline0 = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Scrape.of(metricsUrl(guest), METRICS_TOKEN).sum("redtrove_instance_up", "instance_id", id) != 1) {
                assertThat(System.nanoTime()).as("the guest agent serves the instance's figures").isLessThan(deadline0);
                Thread.sleep(200);
            }

            assertThat(trove.trove("DELETE", "/instances/" + id, null).status()).isEqualTo(202);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (trove.trove("GET", "/instances/" + id, null).status() != 404 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(trove.trove("GET", "/instances/" + id, null).status()).isEqualTo(404);
            assertThat(RedisProcesses.serving(port)).isEmpty();

            api.terminate(Duration.ofSeconds(30));
            guest.terminate(Duration.ofSeconds(30));
            taskmanager.terminate(Duration.ofSeconds(30));
        }
    }

    private static final String METRICS_TOKEN = "separate-services-metrics-token";

    /** The management port a service logged ("metrics at http://..."). */
    private static String metricsUrl(JarProcess service) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics at (http://\\S+/metrics)")
                .matcher(service.output());
        assertThat(m.find()).as("the service logged its metrics port").isTrue();
        return m.group(1);
    }

    private static void awaitHttp(TroveHttp trove, Duration timeout, JarProcess api) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (trove.send("GET", "/identity/v3", null, null).status() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("api did not start:\n" + api.output());
    }

    private static JsonNode awaitCreate(TroveHttp trove, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // Without a datastore version (registered by the guest), create has nothing to build.
            var versions = trove.trove("GET", "/datastores/redis/versions", null);
            if (versions.status() == 200 && !versions.json().get("versions").isEmpty()) {
                var created = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"svc\",\"flavorRef\":1}}");
                assertThat(created.status()).as(created.body()).isEqualTo(200);
                return created.json().get("instance");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no datastore version was registered: " + versions.body());
            }
            Thread.sleep(200);
        }
    }
}
