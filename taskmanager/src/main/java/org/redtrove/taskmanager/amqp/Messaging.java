package org.redtrove.taskmanager.amqp;

import java.util.UUID;
import org.redtrove.common.Queues;
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

    /** Identifies this taskmanager process; its guest RPC replies come back on a queue of this name. */
    public static final String PROCESS_ID = UUID.randomUUID().toString();

    private final String prefix;

    public Messaging(@Value("${redtrove.amqp.prefix:" + Queues.DEFAULT_PREFIX + "}") String prefix) {
        this.prefix = prefix;
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
        return Queues.replies(prefix, PROCESS_ID);
    }

    @Bean
    Queue jobsQueueDeclaration() {
        return new Queue(jobsQueue(), true);
    }

    @Bean
    Queue conductorQueueDeclaration() {
        return new Queue(conductorQueue(), true);
    }

    @Bean
    Queue repliesQueueDeclaration() {
        // Only this process reads it. Not auto-delete: Qpid deletes such a queue as soon as the
        // channel that declared it closes, before any consumer arrives. It is removed on a clean
        // shutdown (GuestReplies); a crashed process leaves one empty queue behind.
        return new Queue(repliesQueue(), false, false, false);
    }
}
