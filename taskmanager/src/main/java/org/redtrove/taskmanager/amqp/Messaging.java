package org.redtrove.taskmanager.amqp;

import java.util.UUID;
import org.redtrove.common.Queues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Queue;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The queues this process reads. They are declared by the auto-configured RabbitAdmin, again after
 * every reconnect, so a broker restart needs nothing from us.
 */
@Configuration(proxyBeanMethods = false)
public class Messaging {

    private static final Logger log = LoggerFactory.getLogger(Messaging.class);

    /**
     * Identifies this taskmanager: the owner of the job leases it holds, and the name of the queue
     * its guest RPC replies come back on. One per application context, not per JVM, so that two
     * taskmanagers in one JVM (tests, dev mode) are two taskmanagers.
     */
    private final String processId = UUID.randomUUID().toString();
    private final String prefix;

    public Messaging(@Value("${redtrove.amqp.prefix:" + Queues.DEFAULT_PREFIX + "}") String prefix) {
        this.prefix = prefix;
    }

    public String processId() {
        return processId;
    }

    public String prefix() {
        return prefix;
    }

    public String jobsQueue() {
        return Queues.jobs(prefix);
    }

    public String conductorQueue() {
        return Queues.conductor(prefix);
    }

    public String repliesQueue() {
        return Queues.replies(prefix, processId);
    }

    @Bean
    Queue jobsQueueDeclaration() {
        return new Queue(jobsQueue(), true);
    }

    @Bean
    Queue conductorQueueDeclaration() {
        return new Queue(conductorQueue(), true);
    }

    /**
     * Only this process reads it, so it is exclusive: the broker deletes it when this process's
     * connection closes, cleanly or because the process died, and it never outlives us. Not
     * auto-delete: Qpid deletes such a queue as soon as the channel that declared it closes, before
     * any consumer arrives. After a broker restart RabbitAdmin declares it again on the new connection.
     */
    @Bean
    Queue repliesQueueDeclaration() {
        log.info("taskmanager {} reads guest replies from {}", processId, repliesQueue());
        return new Queue(repliesQueue(), false, true, false);
    }
}
