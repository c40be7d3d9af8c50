package org.redtrove.taskmanager.jobs;

import com.rabbitmq.client.Channel;
import java.util.UUID;
import org.redtrove.common.JobMessage;
import org.redtrove.common.Wire;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.redtrove.taskmanager.amqp.Messaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;

/**
 * Consumes job pointers with manual acks: a message is acked only after its job has finished or
 * was found to be someone else's. If this process dies mid-job, the broker redelivers the
 * message and the job resumes from its recorded steps.
 */
@Configuration(proxyBeanMethods = false)
public class JobListener {

    private static final Logger log = LoggerFactory.getLogger(JobListener.class);

    @Bean
    SimpleMessageListenerContainer jobContainer(ConnectionFactory connectionFactory, Messaging messaging,
                                                TaskManagerProperties properties, JobRunner runner) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(messaging.jobsQueue());
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(1);
        container.setConcurrentConsumers(properties.jobConcurrency());
        container.setMessageListener((ChannelAwareMessageListener) (message, channel) ->
                onJob(message, channel, runner));
        return container;
    }

    private static void onJob(Message message, Channel channel, JobRunner runner) throws Exception {
        long tag = message.getMessageProperties().getDeliveryTag();
        UUID jobId;
        try {
            jobId = Wire.decode(message.getBody(), JobMessage.class).jobId();
        } catch (RuntimeException e) {
            log.error("Dropping an unreadable job message: {}", e.getMessage());
            channel.basicAck(tag, false);
            return;
        }
        try {
            runner.run(jobId);
            channel.basicAck(tag, false);
        } catch (DataAccessException e) {
            // The database is unreachable: the job is not lost, it waits in the queue.
            log.warn("Database unavailable while running job {}; requeueing: {}", jobId, e.getMessage());
            Thread.sleep(1000);
            channel.basicNack(tag, false, true);
        }
    }
}
