package org.redtrove.taskmanager.jobs;

import java.time.Duration;
import java.util.UUID;
import org.redtrove.common.JobMessage;
import org.redtrove.common.Wire;
import org.redtrove.taskmanager.amqp.Messaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes again the jobs that nobody works on: a lapsed lease means the taskmanager running it
 * died; a job queued for long without an unsent outbox row means its message was lost (the
 * embedded broker keeps messages in memory). Running a job twice is harmless (see JobRunner).
 */
@Component
public class JobRecovery {

    private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);
    private static final Duration QUEUED_TOO_LONG = Duration.ofSeconds(60);

    private final JobRepository jobs;
    private final RabbitTemplate rabbit;
    private final Messaging messaging;

    public JobRecovery(JobRepository jobs, RabbitTemplate rabbit, Messaging messaging) {
        this.jobs = jobs;
        this.rabbit = rabbit;
        this.messaging = messaging;
    }

    @Scheduled(initialDelayString = "${redtrove.taskmanager.recovery-interval:5s}",
            fixedDelayString = "${redtrove.taskmanager.recovery-interval:5s}")
    public void republishOrphans() {
        try {
            for (UUID id : jobs.orphans(QUEUED_TOO_LONG)) {
                MessageProperties props = new MessageProperties();
                props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
                props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
                rabbit.invoke(ops -> {
                    ops.send("", messaging.jobsQueue(), new Message(Wire.encode(new JobMessage(id)), props));
                    ops.waitForConfirmsOrDie(5000);
                    return null;
                });
                jobs.touch(id);
                log.info("Re-published job {}, which nobody was working on", id);
            }
        } catch (RuntimeException e) {
            log.warn("Job recovery skipped this round: {}", e.getMessage());
        }
    }
}
