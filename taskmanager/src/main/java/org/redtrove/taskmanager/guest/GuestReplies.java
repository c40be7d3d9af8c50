package org.redtrove.taskmanager.guest;

import org.redtrove.taskmanager.amqp.Messaging;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Reads this process's reply queue. A container bean, not one the client starts itself, so that it
 * starts after the queues are declared and redeclares them after a broker restart.
 */
@Configuration(proxyBeanMethods = false)
public class GuestReplies {

    @Bean
    SimpleMessageListenerContainer guestReplyContainer(ConnectionFactory connectionFactory, Messaging messaging,
                                                       GuestClient client) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(messaging.repliesQueue());
        container.setConcurrentConsumers(2);
        container.setMessageListener(client::onReply);
        return container;
    }
}
