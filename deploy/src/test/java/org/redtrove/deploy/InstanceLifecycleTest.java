package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.JobMessage;
import org.redtrove.common.Queues;
import org.redtrove.common.Wire;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import tools.jackson.databind.JsonNode;

/**
 * The walking skeleton end to end: HTTP → api → outbox → broker → taskmanager → guest agent →
 * a real redis-server, on embedded PostgreSQL and the embedded broker, as dev mode runs them.
 */
class InstanceLifecycleTest {

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;

    @BeforeAll
    static void startStack() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withIdentityPort(0)
                .withGuestPortRange("19000-19199"));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void createdInstanceServesDataWithItsPasswordAndDeleteRemovesIt() throws Exception {
        var created = trove.trove("POST", "/instances",
                "{\"instance\":{\"name\":\"lifecycle\",\"flavorRef\":\"1\",\"volume\":{\"size\":1,\"type\":null},"
                        + "\"datastore\":{\"type\":\"redis\"}}}");
        assertThat(created.status()).isEqualTo(200);
        JsonNode instance = created.json().get("instance");
        String id = instance.get("id").asString();
        String password = instance.get("password").asString();
        assertThat(password).hasSizeGreaterThanOrEqualTo(16);

        // Readable at once, as the clients expect after a create.
        var shown = trove.trove("GET", "/instances/" + id, null);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json().get("instance").has("password")).isFalse();

        JsonNode active = trove.awaitStatus(id, Duration.ofSeconds(60), "ACTIVE");
        String ip = active.get("ip").get(0).asString();
        int port = active.get("port").asInt();

        try (Jedis redis = new Jedis(ip, port)) {
            assertThatThrownBy(() -> redis.set("k", "v")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("NOAUTH");
            redis.auth(password);
            redis.set("greeting", "hello");
            assertThat(redis.get("greeting")).isEqualTo("hello");
            // The tenant's password gives data, not control: the flavor's limit is not the tenant's to change.
            assertThatThrownBy(() -> redis.configSet("maxmemory", "0")).hasMessageContaining("NOPERM");
        }
        try (Jedis agent = AgentAccess.connect(AgentAccess.instanceDir(stack.dataDir().resolve("guest"), id), port)) {
            assertThat(agent.configGet("maxmemory").get("maxmemory")).isEqualTo(String.valueOf(128L * 1024 * 1024));
        }

        assertThat(trove.trove("DELETE", "/instances/" + id, null).status()).isEqualTo(202);
        awaitGone(id);
        assertThat(RedisProcesses.listening(port)).isFalse();
        assertThat(RedisProcesses.serving(port)).isEmpty();
    }

    @Test
    void aRedeliveredCreateJobResumesWithoutStartingASecondRedis() throws Exception {
        String id = createActive("redelivered");
        int port = trove.trove("GET", "/instances/" + id, null).json().get("instance").get("port").asInt();
        assertThat(RedisProcesses.serving(port)).hasSize(1);

        // Make the job look as if its taskmanager died after placing the instance and before it
        // recorded the prepare (which did happen), then deliver it again, twice.
        JdbcClient jdbc = stack.taskmanager().getBean(JdbcClient.class);
        UUID jobId = jdbc.sql("select id from jobs where instance_id = ? and kind = 'CREATE'")
                .param(UUID.fromString(id)).query(UUID.class).single();
        jdbc.sql("""
                update jobs set state = 'RUNNING', step = 'place',
                       progress = jsonb_build_object('completedSteps', '["place"]'::jsonb,
                                                     'result.place', progress -> 'result.place'),
                       lease_owner = 'a-dead-taskmanager', lease_until = now() - interval '1 second'
                 where id = ?""").param(jobId).update();
        publishJob(jobId);
        publishJob(jobId);

        awaitJob(jdbc, jobId, "SUCCEEDED");
        // Exactly one more attempt: the second delivery found the job leased (or finished) and left it.
        Thread.sleep(500);
        assertThat(jdbc.sql("select attempts from jobs where id = ?").param(jobId).query(Integer.class).single())
                .isEqualTo(2);
        assertThat(jdbc.sql("select state from jobs where id = ?").param(jobId).query(String.class).single())
                .isEqualTo("SUCCEEDED");
        JsonNode after = trove.awaitStatus(id, Duration.ofSeconds(30), "ACTIVE");
        assertThat(after.get("port").asInt()).isEqualTo(port);
        assertThat(RedisProcesses.serving(port)).hasSize(1);
        try (var dirs = Files.list(stack.dataDir().resolve("guest").resolve("instances"))) {
            assertThat(dirs.filter(d -> d.getFileName().toString().equals(id)).count()).isEqualTo(1);
        }
    }

    @Test
    void aRestartedGuestAgentAdoptsRunningRedisInsteadOfRestartingIt() throws Exception {
        String id = createActive("adopted");
        JsonNode instance = trove.trove("GET", "/instances/" + id, null).json().get("instance");
        int port = instance.get("port").asInt();
        String password = trove.trove("GET", "/instances/" + id + "/password", null).json().get("password").asString();
        try (Jedis redis = new Jedis("127.0.0.1", port)) {
            redis.auth(password);
            redis.set("survives", "yes");
        }
        long pidBefore = RedisProcesses.serving(port).get(0);

        stack.stopGuestAgent();
        stack.startGuestAgent();

        // The new agent's heartbeats keep the instance healthy, and it is the same process.
        Thread.sleep(2500);
        JsonNode after = trove.awaitStatus(id, Duration.ofSeconds(30), "ACTIVE");
        assertThat(after.get("operating_status").asString()).isEqualTo("HEALTHY");
        assertThat(RedisProcesses.serving(port)).containsExactly(pidBefore);
        try (Jedis redis = new Jedis("127.0.0.1", port)) {
            redis.auth(password);
            assertThat(redis.get("survives")).isEqualTo("yes");
        }
    }

    private static String createActive(String name) throws Exception {
        var created = trove.trove("POST", "/instances",
                "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":1}}");
        assertThat(created.status()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asString();
        trove.awaitStatus(id, Duration.ofSeconds(60), "ACTIVE");
        return id;
    }

    private static void publishJob(UUID jobId) {
        RabbitTemplate rabbit = stack.taskmanager().getBean(RabbitTemplate.class);
        MessageProperties props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        rabbit.send("", Queues.jobs("redtrove"), new Message(Wire.encode(new JobMessage(jobId)), props));
    }

    private static void awaitJob(JdbcClient jdbc, UUID jobId, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String now = jdbc.sql("select state from jobs where id = ?").param(jobId).query(String.class).single();
            if (state.equals(now)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " did not reach " + state);
    }

    private static void awaitGone(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (trove.trove("GET", "/instances/" + id, null).status() == 404) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("instance " + id + " was not deleted");
    }
}
