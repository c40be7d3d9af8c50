package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The non-blocking PINGs against a real redis-server with an ACL user, as the agent logs in. */
class PingLoopTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final String USER = "agent-user";
    private static final String PASSWORD = "p \"w\" d\\ 1";

    @TempDir
    Path dir;
    private Process redis;
    private int port;
    private PingLoop loop;

    @BeforeEach
    void startRedis() throws Exception {
        port = freePort();
        redis = new ProcessBuilder(RedisBinary.locate("", dir).path().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        RedisHostFixture.await(Duration.ofSeconds(10), "redis answers", () -> {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                j.aclSetUser(USER, "on", ">" + PASSWORD, "+ping");
                j.configSet("requirepass", "tenant-only");
                return true;
            }
        });
        loop = new PingLoop("ping-test");
    }

    @AfterEach
    void stop() throws Exception {
        loop.close();
        RedisHostFixture.signal(redis.pid(), "CONT");
        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private Probe.Answer ping(PingLoop.Conn conn, RedisEndpoint target) throws Exception {
        CompletableFuture<Probe.Answer> answer = new CompletableFuture<>();
        assertThat(conn.ping(target, answer::complete)).isTrue();
        loop.flush();
        return answer.get(5, TimeUnit.SECONDS);
    }

    private RedisEndpoint as(String user, String password) {
        return new RedisEndpoint("127.0.0.1", port, user, password, TIMEOUT);
    }

    @Test
    void answersEachWayRedisCanAnswer() throws Exception {
        PingLoop.Conn conn = loop.connection();
        assertThat(ping(conn, as(USER, PASSWORD))).isEqualTo(Probe.Answer.PONG);
        assertThat(ping(conn, as(USER, PASSWORD))).as("again, on the same connection").isEqualTo(Probe.Answer.PONG);
        assertThat(ping(conn, as(USER, "wrong"))).isEqualTo(Probe.Answer.AUTH_REFUSED);
        assertThat(ping(conn, as(null, null))).as("NOAUTH is an answer").isEqualTo(Probe.Answer.AUTH_REFUSED);
        assertThat(ping(conn, as(null, "tenant-only"))).as("the default user").isEqualTo(Probe.Answer.PONG);
        assertThat(ping(conn, new RedisEndpoint("127.0.0.1", freePort(), null, null, TIMEOUT)))
                .as("nothing listening").isEqualTo(Probe.Answer.NO_ANSWER);
        assertThat(ping(conn, as(USER, PASSWORD))).as("after an error, a new connection").isEqualTo(Probe.Answer.PONG);
    }

    /** A refusal is an answer, not a broken connection: thousands of reconnections a second would use up ports. */
    @Test
    void refusedPingsKeepTheirConnection() throws Exception {
        PingLoop.Conn anonymous = loop.connection();
        PingLoop.Conn refused = loop.connection();
        long before = connectionsReceived();
        for (int i = 0; i < 20; i++) {
            assertThat(ping(anonymous, as(null, null))).isEqualTo(Probe.Answer.AUTH_REFUSED);
            assertThat(ping(refused, as(USER, "wrong"))).isEqualTo(Probe.Answer.AUTH_REFUSED);
        }
        // one connection each, and this look's own
        assertThat(connectionsReceived() - before).as("connections received").isEqualTo(2 + 1);
    }

    private long connectionsReceived() {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.auth("tenant-only");
            String info = j.info("stats");
            return Long.parseLong(info.replaceAll("(?s).*total_connections_received:(\\d+).*", "$1"));
        }
    }

    @Test
    void aHungRedisIsSilentForItsTimeoutAndDelaysNoOtherPing() throws Exception {
        PingLoop.Conn hung = loop.connection();
        assertThat(ping(hung, as(USER, PASSWORD))).isEqualTo(Probe.Answer.PONG);
        RedisHostFixture.signal(redis.pid(), "STOP");

        CompletableFuture<Probe.Answer> silent = new CompletableFuture<>();
        long sent = System.nanoTime();
        assertThat(hung.ping(as(USER, PASSWORD), a -> silent.complete(a))).isTrue();
        assertThat(hung.ping(as(USER, PASSWORD), a -> { })).as("never a second PING behind one waiting").isFalse();
        loop.flush();
        // Another target still gets its answer at once (here: refused, nothing listens there).
        assertThat(ping(loop.connection(), new RedisEndpoint("127.0.0.1", freePort(), null, null, TIMEOUT)))
                .isEqualTo(Probe.Answer.NO_ANSWER);
        assertThat(silent).isNotDone();

        assertThat(silent.get(5, TimeUnit.SECONDS)).isEqualTo(Probe.Answer.NO_ANSWER);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(TIMEOUT);

        RedisHostFixture.signal(redis.pid(), "CONT");
        assertThat(ping(hung, as(USER, PASSWORD))).as("answers again once resumed").isEqualTo(Probe.Answer.PONG);
    }

    @Test
    void closingAnswersAWaitingPing() throws Exception {
        PingLoop.Conn conn = loop.connection();
        assertThat(ping(conn, as(USER, PASSWORD))).isEqualTo(Probe.Answer.PONG);
        RedisHostFixture.signal(redis.pid(), "STOP");
        CompletableFuture<Probe.Answer> answer = new CompletableFuture<>();
        conn.ping(as(USER, PASSWORD), answer::complete);
        loop.flush();
        Thread.sleep(50);
        conn.close();
        assertThat(answer.get(TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS)).isEqualTo(Probe.Answer.NO_ANSWER);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
