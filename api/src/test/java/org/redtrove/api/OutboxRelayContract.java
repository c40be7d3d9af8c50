package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redtrove.common.JobMessage;
import org.redtrove.common.Queues;
import org.redtrove.common.Wire;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the outbox relay promises, whatever the broker: a created job is published once, as a
 * persistent pointer, and its outbox row is marked sent. Subclasses choose the broker.
 */
abstract class OutboxRelayContract extends ApiTestSupport {

    protected static final String PREFIX = "redtrove-test-" + UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    AmqpAdmin admin;

    @AfterEach
    void removeQueue() {
        admin.deleteQueue(Queues.jobs(PREFIX));
    }

    @Test
    void createdJobIsPublishedAsAPersistentPointerAndMarkedSent() throws Exception {
        String id = post("/v1.0/" + alphaProject + "/instances", alice(),
                "{\"instance\":{\"name\":\"relayed\",\"flavorRef\":1}}").json().get("instance").get("id").asString();
        UUID jobId = jdbc.sql("select id from jobs where instance_id = cast(? as uuid)").param(id)
                .query(UUID.class).single();

        // The relay declares the queue before its first publish; this read may come first.
        admin.declareQueue(new org.springframework.amqp.core.Queue(Queues.jobs(PREFIX), true));
        Message message = null;
        for (long deadline = System.currentTimeMillis() + 10_000; message == null
                && System.currentTimeMillis() < deadline; ) {
            message = rabbit.receive(Queues.jobs(PREFIX), 200);
        }

        assertThat(message).isNotNull();
        assertThat(Wire.decode(message.getBody(), JobMessage.class).jobId()).isEqualTo(jobId);
        assertThat(message.getMessageProperties().getContentType()).isEqualTo("application/json");
        assertThat(message.getMessageProperties().getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        long deadline = System.currentTimeMillis() + 5000;
        while (count("select count(*) from outbox where sent_at is null") > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count("select count(*) from outbox where sent_at is null")).isZero();
        assertThat(rabbit.receive(Queues.jobs(PREFIX), 500)).as("published once").isNull();
    }
}
