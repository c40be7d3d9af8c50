package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
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
 * The broker goes away while a user creates an instance: the request is still answered (the api
 * only writes rows), the job waits in the outbox, and once the broker is back the instance is
 * built. The broker restarts empty, as an in-memory one does, so nothing may depend on it.
 */
class BrokerOutageTest {

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withIdentityPort(0)
                .withGuestPortRange("19500-19549"));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aCreateDuringABrokerOutageIsBuiltOnceTheBrokerIsBack() throws Exception {
        stack.stopBroker();

        var created = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"patient\",\"flavorRef\":1}}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asString();
        String password = created.json().get("instance").get("password").asString();
        Thread.sleep(2000);
        assertThat(trove.trove("GET", "/instances/" + id, null).json().get("instance").get("status").asString())
                .isEqualTo("BUILD");
        JdbcClient jdbc = stack.taskmanager().getBean(JdbcClient.class);
        assertThat(jdbc.sql("""
                select count(*) from outbox o join jobs j on j.id = o.job_id
                 where j.instance_id = ? and o.sent_at is null""")
                .param(UUID.fromString(id)).query(Integer.class).single()).isEqualTo(1);

        stack.startBroker();

        var active = trove.awaitStatus(id, Duration.ofSeconds(90), "ACTIVE");
        try (Jedis redis = new Jedis("127.0.0.1", active.get("port").asInt())) {
            redis.auth(password);
            redis.set("after", "outage");
            assertThat(redis.get("after")).isEqualTo("outage");
        }
        assertThat(jdbc.sql("select count(*) from jobs where instance_id = ? and kind = 'CREATE'")
                .param(UUID.fromString(id)).query(Integer.class).single()).isEqualTo(1);
    }
}
