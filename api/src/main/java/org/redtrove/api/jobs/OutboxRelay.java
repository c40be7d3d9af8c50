package org.redtrove.api.jobs;

import java.util.List;
import java.util.UUID;
import org.redtrove.common.JobMessage;
import org.redtrove.common.Queues;
import org.redtrove.common.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox rows to the jobs queue and marks them sent (design decision 2).
 *
 * <p>Each pass locks up to 100 unsent rows with {@code for update skip locked}, so several api
 * processes can relay side by side without publishing a row twice at once; publishes them with
 * publisher confirms, and marks them sent in the same transaction. If the broker is down, the
 * publish throws, the transaction rolls back and the rows wait for the next pass: a job can be
 * published twice (after a crash between confirm and commit) but never lost, and the taskmanager's
 * consumer is idempotent. Runs every 200 ms and at once when {@link JobWriter} signals a new job.
 */
@Component
@ConditionalOnProperty(name = "redtrove.outbox.relay-enabled", havingValue = "true", matchIfMissing = true)
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 100;
    private static final long PERIOD_MILLIS = 200;
    private static final long CONFIRM_TIMEOUT_MILLIS = 5000;

    record Row(long id, UUID jobId) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final RabbitTemplate rabbit;
    private final AmqpAdmin admin;
    private final OutboxSignal signal;
    private final String queue;

    private volatile boolean running;
    private volatile boolean queueDeclared;
    private boolean failing; // only touched by the relay thread
    private Thread thread;

    public OutboxRelay(JdbcClient jdbc, TransactionTemplate tx, RabbitTemplate rabbit, AmqpAdmin admin,
                       OutboxSignal signal, @Value("${redtrove.amqp.prefix:redtrove}") String prefix) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.rabbit = rabbit;
        this.admin = admin;
        this.signal = signal;
        this.queue = Queues.jobs(prefix);
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(CONFIRM_TIMEOUT_MILLIS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        while (running) {
            try {
                int sent;
                do {
                    sent = relayOnce();
                } while (sent == BATCH && running);
                signal.await(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass: answers how many rows were published, 0 on failure. */
    int relayOnce() {
        try {
            Integer sent = tx.execute(status -> {
                List<Row> rows = jdbc.sql("""
                                select id, job_id from outbox where sent_at is null
                                order by id limit :batch for update skip locked""")
                        .param("batch", BATCH)
                        .query((rs, n) -> new Row(rs.getLong("id"), rs.getObject("job_id", UUID.class)))
                        .list();
                if (rows.isEmpty()) {
                    return 0;
                }
                publish(rows);
                jdbc.sql("update outbox set sent_at = now() where id in (:ids)")
                        .param("ids", rows.stream().map(Row::id).toList())
                        .update();
                return rows.size();
            });
            if (failing) {
                log.info("Outbox relay publishing again");
                failing = false;
            }
            return sent == null ? 0 : sent;
        } catch (RuntimeException e) {
            if (!failing) { // one line per failure burst, not one stack trace per tick
                log.warn("Outbox relay cannot publish, will retry: {}", e.toString());
                failing = true;
            }
            return 0;
        }
    }

    private void publish(List<Row> rows) {
        if (!queueDeclared) {
            admin.declareQueue(new Queue(queue, true));
            queueDeclared = true;
        }
        rabbit.invoke(ops -> {
            for (Row row : rows) {
                MessageProperties properties = new MessageProperties();
                properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
                properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
                properties.setMessageId(row.jobId().toString());
                ops.send("", queue, new Message(Wire.encode(new JobMessage(row.jobId())), properties));
            }
            ops.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
            return null;
        });
    }
}
