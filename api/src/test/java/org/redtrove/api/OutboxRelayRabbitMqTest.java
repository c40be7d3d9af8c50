package org.redtrove.api;

import org.redtrove.embedded.LocalService;
import org.redtrove.embedded.RequiresLocalServices;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The relay against a separate RabbitMQ, the production broker, on a queue prefix of its own. */
@RequiresLocalServices(LocalService.RABBITMQ)
class OutboxRelayRabbitMqTest extends OutboxRelayContract {

    @DynamicPropertySource
    static void relay(DynamicPropertyRegistry registry) {
        registry.add("redtrove.outbox.relay-enabled", () -> "true");
        registry.add("redtrove.amqp.prefix", () -> PREFIX);
        registry.add("redtrove.amqp.url", () -> "amqp://guest:guest@" + LocalService.RABBITMQ.address());
    }
}
