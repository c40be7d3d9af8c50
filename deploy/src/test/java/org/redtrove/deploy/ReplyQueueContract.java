package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.embedded.EmbeddedDatabase;
import org.redtrove.embedded.SharedTestDatabase;

/**
 * A taskmanager's guest-reply queue lives exactly as long as the process: it is there while the
 * process runs, and gone once the process is killed with SIGKILL, on whichever broker the
 * subclass names. Before, every crash left one queue behind for good.
 */
abstract class ReplyQueueContract {

    @TempDir
    Path work;

    /** amqp:// URL of the broker the taskmanager uses. */
    abstract String brokerUrl();

    @Test
    void aKilledTaskmanagerLeavesNoReplyQueueBehind() throws Exception {
        String database = SharedTestDatabase.newDatabase("redtrove_replyq");
        EmbeddedDatabase postgres = SharedTestDatabase.get();
        String prefix = "replyq-" + UUID.randomUUID().toString().substring(0, 8);
        try (JarProcess taskmanager = JarProcess.start(work,
                Map.of("REDTROVE_DB_PASSWORD", postgres.password(), "REDTROVE_AMQP_URL", brokerUrl()),
                "taskmanager", "--redtrove.db.url=" + postgres.jdbcUrl(database),
                "--redtrove.db.user=" + EmbeddedDatabase.USER, "--redtrove.amqp.prefix=" + prefix,
                "--redtrove.secrets.key-file=" + work.resolve("secret.key"))) {
            String line = taskmanager.awaitLine("reads guest replies from ", Duration.ofSeconds(90));
            String queue = line.substring(line.indexOf("reads guest replies from ") + 25).trim();
            assertThat(queue).startsWith(prefix + ".replies.");
            awaitQueue(queue, true, Duration.ofSeconds(30));

            taskmanager.kill();

            awaitQueue(queue, false, Duration.ofSeconds(15));
        } finally {
            SharedTestDatabase.dropDatabase(database);
        }
    }

    private void awaitQueue(String queue, boolean present, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean exists = !present;
        while (System.nanoTime() < deadline && exists != present) {
            exists = queueExists(queue);
            if (exists != present) {
                Thread.sleep(100);
            }
        }
        assertThat(exists).as("queue " + queue + (present ? " declared" : " gone")).isEqualTo(present);
    }

    private boolean queueExists(String queue) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(brokerUrl());
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            // 404 NOT_FOUND when it is gone. An exclusive queue that exists is refused to other
            // connections: RabbitMQ closes the channel with 405 RESOURCE_LOCKED, Qpid the
            // connection with 530 NOT_ALLOWED.
            if (e.getCause() instanceof ShutdownSignalException signal) {
                int code = signal.getReason() instanceof AMQP.Channel.Close c ? c.getReplyCode()
                        : signal.getReason() instanceof AMQP.Connection.Close c ? c.getReplyCode() : -1;
                if (code == AMQP.NOT_FOUND || code == AMQP.RESOURCE_LOCKED || code == AMQP.NOT_ALLOWED) {
                    return code != AMQP.NOT_FOUND;
                }
            }
            throw e;
        }
    }
}
