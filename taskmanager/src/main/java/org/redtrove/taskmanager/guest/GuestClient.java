package org.redtrove.taskmanager.guest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import com.rabbitmq.client.ShutdownSignalException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.Queues;
import org.redtrove.common.Wire;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.redtrove.taskmanager.amqp.Messaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Request/reply to guest agents over plain AMQP: the request goes to the host's queue with
 * reply-to set to this process's reply queue and a correlation id; the reply completes the
 * matching future. No broker-specific reply pseudo-queue, so Qpid and RabbitMQ behave alike.
 *
 * <p>A broker outage delays a request instead of failing its job (DESIGN.md decision 2): while the
 * broker is unreachable the request is sent again, and so it is when no reply came and the broker
 * was lost meanwhile, since a restarted broker starts empty (the request, the guest's queue and
 * our reply queue gone until each side reconnects). Guest requests are idempotent, so a request
 * that did run and whose reply was lost is harmless to repeat. This lasts up to
 * {@code broker-outage-wait} after the broker was last seen gone.
 */
@Component
public class GuestClient {

    private static final Logger log = LoggerFactory.getLogger(GuestClient.class);

    private final RabbitTemplate rabbit;
    private final Messaging messaging;
    private final Duration defaultTimeout;
    private final Duration outageWait;
    private final Map<String, CompletableFuture<GuestReply>> pending = new ConcurrentHashMap<>();
    /** When this process last lost its broker connection or failed to send (nanoTime), or 0. */
    private final AtomicLong brokerLostAt = new AtomicLong();

    private final MeterRegistry meters;

    public GuestClient(RabbitTemplate rabbit, Messaging messaging, TaskManagerProperties properties,
                       MeterRegistry meters) {
        this.meters = meters;
        this.rabbit = rabbit;
        this.messaging = messaging;
        this.defaultTimeout = properties.guestRpcTimeout();
        this.outageWait = properties.brokerOutageWait();
        rabbit.getConnectionFactory().addConnectionListener(new ConnectionListener() {
            @Override
            public void onCreate(Connection connection) {
            }

            @Override
            public void onShutDown(ShutdownSignalException signal) {
                brokerLost();
            }
        });
    }

    private void brokerLost() {
        brokerLostAt.set(System.nanoTime());
    }

    /** True while the broker was last seen gone within {@code broker-outage-wait}, after {@code since}. */
    private boolean inOutage(long since) {
        long lost = brokerLostAt.get();
        return lost != 0 && lost - since >= 0 && System.nanoTime() - lost < outageWait.toNanos();
    }

    public GuestReply call(String hostId, GuestRequest request) {
        return call(hostId, request, defaultTimeout);
    }

    /**
     * Sends the request and waits for its reply.
     *
     * @throws GuestUnavailableException when the guest does not answer within the timeout
     */
    public GuestReply call(String hostId, GuestRequest request, Duration timeout) {
        long started = System.nanoTime();
        String outcome = "unavailable";
        try {
            GuestReply reply = callWaitingOutOutages(hostId, request, timeout, started);
            outcome = reply.error() == null ? "ok" : "refused";
            return reply;
        } finally {
            Timer.builder("redtrove.guest.rpc")
                    .description("calls to guest agents, by request and outcome (ok, refused by the guest, "
                            + "unavailable: no answer in time or no broker), broker outages waited out included")
                    .tags("request", opName(request), "outcome", outcome)
                    .serviceLevelObjectives(RPC_BUCKETS)
                    .register(meters)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private static final Duration[] RPC_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(10),
            Duration.ofSeconds(60)};

    private GuestReply callWaitingOutOutages(String hostId, GuestRequest request, Duration timeout, long started) {
        while (true) {
            long attempt = System.nanoTime();
            try {
                return attempt(hostId, request, timeout);
            } catch (AmqpException e) {
                brokerLost();
                if (!inOutage(started)) {
                    throw new GuestUnavailableException("Could not reach the message broker: " + e.getMessage());
                }
                log.info("The broker is unreachable; {} to host {} waits for it ({})", opName(request), hostId,
                        e.getMessage());
                sleep(500);
            } catch (TimeoutException e) {
                if (!inOutage(attempt)) {
                    throw new GuestUnavailableException("The guest agent of host " + hostId + " did not answer "
                            + opName(request) + " within " + timeout.toSeconds() + " s.");
                }
                log.info("No answer to {} from host {} across a broker outage; sending it again",
                        opName(request), hostId);
            }
        }
    }

    private GuestReply attempt(String hostId, GuestRequest request, Duration timeout) throws TimeoutException {
        String correlationId = UUID.randomUUID().toString();
        CompletableFuture<GuestReply> future = new CompletableFuture<>();
        pending.put(correlationId, future);
        try {
            MessageProperties props = new MessageProperties();
            props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
            props.setCorrelationId(correlationId);
            props.setReplyTo(messaging.repliesQueue());
            props.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
            // A request nobody reads in time is worthless later: the guest drops expired ones.
            props.setHeader(Queues.DEADLINE_HEADER, System.currentTimeMillis() + timeout.toMillis());
            rabbit.send("", Queues.guest(messaging.prefix(), hostId), new Message(Wire.encode(request), props));
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestUnavailableException("Interrupted while waiting for host " + hostId + ".");
        } catch (ExecutionException e) {
            throw new GuestUnavailableException(String.valueOf(e.getCause()));
        } finally {
            pending.remove(correlationId);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestUnavailableException("Interrupted while waiting for the broker.");
        }
    }

    /** Completes the call waiting for this reply (see {@link GuestReplies}). */
    void onReply(Message message) {
        String correlationId = message.getMessageProperties().getCorrelationId();
        CompletableFuture<GuestReply> future = correlationId == null ? null : pending.get(correlationId);
        if (future == null) {
            log.debug("Dropping a late or unknown guest reply {}", correlationId);
            return;
        }
        try {
            future.complete(Wire.decode(message.getBody(), GuestReply.class));
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    private static String opName(GuestRequest request) {
        return request.getClass().getSimpleName();
    }
}
