package org.redtrove.guestagent.heartbeat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redtrove.common.ConductorMessage;
import org.redtrove.common.Queues;
import org.redtrove.common.Wire;
import org.redtrove.guestagent.AmqpProperties;
import org.redtrove.guestagent.GuestAgentProperties;
import org.redtrove.guestagent.HostIdentity;
import org.redtrove.guestagent.redis.RedisHost;
import org.redtrove.guestagent.tasks.ReplicationTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Tells the conductor this host exists (registration, at start and every
 * {@value #REGISTRATION_EVERY_SECONDS} s, because the conductor may have restarted and forgotten), and
 * what each instance looks like: at once when an instance's state, hold or role changes (a Redis
 * exiting, going silent, answering again), every suspect-heartbeat interval while any instance is
 * suspect (silent, or a replica's master silent, stopped or held), else every heartbeat interval.
 * The taskmanager's failure detection is only as quick as this. A broker outage only delays
 * heartbeats: the failure is logged once and retried every suspect-heartbeat interval, and the first
 * heartbeat through is followed at once by a fresh one.
 */
@Component
public class HeartbeatPublisher implements SmartLifecycle {

    static final long REGISTRATION_EVERY_SECONDS = 30;
    private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

    private final RabbitTemplate rabbit;
    private final RedisHost redis;
    private final ReplicationTasks tasks;
    private final HostIdentity host;
    private final String queue;
    private final Duration interval;
    private final Duration suspectInterval;
    private final String redisVersion;
    /** Coalesces a burst of state changes into one heartbeat, not one per change. */
    private final AtomicBoolean changePending = new AtomicBoolean();

    private ScheduledExecutorService timer;
    /** Whether an instance was suspect at the last clock tick; only the timer thread touches it. */
    private boolean wasSuspect;
    // Timer thread only:
    private Instant lastRegistration = Instant.EPOCH;
    private Instant lastSent = Instant.EPOCH;
    private boolean failing;

    public HeartbeatPublisher(RabbitTemplate rabbit, RedisHost redis, ReplicationTasks tasks, HostIdentity host, AmqpProperties amqp,
                              GuestAgentProperties properties) {
        this.rabbit = rabbit;
        this.redis = redis;
        this.tasks = tasks;
        this.host = host;
        this.queue = Queues.conductor(amqp.prefix());
        this.interval = properties.heartbeatInterval();
        this.suspectInterval = properties.suspectHeartbeatInterval();
        this.redisVersion = redis.settings().redisServer().version();
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(interval.toMillis(), suspectInterval.toMillis()));
        timer.scheduleWithFixedDelay(this::onClock, 0, period, TimeUnit.MILLISECONDS);
        ScheduledExecutorService current = timer;
        redis.onStateChange(() -> {
            if (changePending.compareAndSet(false, true)) {
                try {
                    current.execute(() -> {
                        changePending.set(false); // before the tick: a change during it gets its own
                        tick();
                    });
                } catch (RejectedExecutionException e) {
                    changePending.set(false); // stopped
                }
            }
        });
        log.info("guest agent {} ({}, redis {}) heartbeating to {}", host.hostId(), host.hostName(),
                redisVersion, queue);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }

    /**
     * The report that an instance is fine again goes out at once: the taskmanager judges a silence
     * from the latest report, and the last one sent while suspect still shows the silence growing.
     * A short stall must end in an all-clear, not in a second of apparent silence.
     */
    private void onClock() {
        boolean suspect = redis.anySuspect();
        boolean cleared = wasSuspect && !suspect;
        wasSuspect = suspect;
        Duration since = Duration.between(lastSent, Instant.now());
        if (cleared || since.compareTo(interval) >= 0
                || (since.compareTo(suspectInterval) >= 0 && (suspect || failing))) {
            tick();
        }
    }

    private void tick() {
        Instant now = Instant.now();
        lastSent = now;
        try {
            if (Duration.between(lastRegistration, now).getSeconds() >= REGISTRATION_EVERY_SECONDS) {
                publish(new ConductorMessage.HostRegistration(host.hostId(), host.hostName(), host.address(),
                        redisVersion, now));
                lastRegistration = now;
            }
            publish(new ConductorMessage.Heartbeat(host.hostId(), now, redis.reports(), tasks.reports()));
            if (failing || Duration.between(now, Instant.now()).compareTo(suspectInterval) > 0) {
                // Held up (a partition, a broker outage): what went out is old by now, and the
                // taskmanager acts on fresh reports only. Send what is true now, at once.
                Instant fresh = Instant.now();
                publish(new ConductorMessage.Heartbeat(host.hostId(), fresh, redis.reports(), tasks.reports()));
                lastSent = fresh;
            }
            if (failing) {
                log.info("heartbeats reach the broker again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("cannot publish heartbeat ({}); retrying every {}", e.getMessage(), suspectInterval);
                failing = true;
            }
            // Register again as soon as the broker is back: the conductor may have missed it.
            lastRegistration = Instant.EPOCH;
        }
    }

    private void publish(ConductorMessage message) {
        MessageProperties props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        rabbit.send("", queue, new Message(Wire.encode(message), props));
    }
}
