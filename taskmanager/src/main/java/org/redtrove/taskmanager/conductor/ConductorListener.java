package org.redtrove.taskmanager.conductor;

import org.redtrove.common.ConductorMessage;
import org.redtrove.common.Wire;
import org.redtrove.taskmanager.amqp.Messaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Feeds registrations and heartbeats from the conductor queue to the {@link Conductor}. */
@Configuration(proxyBeanMethods = false)
public class ConductorListener {

    private static final Logger log = LoggerFactory.getLogger(ConductorListener.class);

    @Bean
    SimpleMessageListenerContainer conductorContainer(ConnectionFactory connectionFactory, Messaging messaging,
                                                      Conductor conductor) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(messaging.conductorQueue());
        container.setConcurrentConsumers(2);
        container.setMessageListener(message -> {
            try {
                ReceivedHeartbeat heartbeat = ReceivedHeartbeat.read(message.getBody());
                if (heartbeat != null) {
                    conductor.heartbeat(heartbeat);
                } else if (Wire.decode(message.getBody(), ConductorMessage.class)
                        instanceof ConductorMessage.HostRegistration registration) {
                    conductor.register(registration);
                }
            } catch (RuntimeException e) {
                // A heartbeat is superseded a second later: drop it rather than loop on it.
                log.warn("Dropped a conductor message: {}", e.getMessage());
            }
        });
        return container;
    }
}
