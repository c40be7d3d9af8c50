package org.redtrove.guestagent.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.ConductorMessage;
import org.redtrove.common.Fencing;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.Queues;
import org.redtrove.common.RedisState;
import org.redtrove.common.Wire;
import org.redtrove.embedded.EmbeddedBroker;
import org.redtrove.embedded.PrivateFiles;
import org.redtrove.embedded.Processes;
import org.redtrove.guestagent.GuestAgentApplication;
import org.redtrove.guestagent.HostIdentity;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;

/**
 * The whole agent (Spring context, RPC listener, heartbeats) over a real AMQP 0-9-1 broker (embedded
 * Qpid), as the taskmanager and conductor would see it.
 */
class GuestAgentRpcTest {

    @TempDir
    static Path dir;
    private static EmbeddedBroker broker;
    private static ConfigurableApplicationContext agent;
    private static RabbitTemplate rabbit;
    private static String prefix;
    private static String hostId;
    private static String replies;

    @BeforeAll
    static void startBrokerAndAgent() throws Exception {
        broker = EmbeddedBroker.start(dir.resolve("qpid"), Processes.freePort(), PrivateFiles.newSecret());
        prefix = "test-" + UUID.randomUUID();
        agent = GuestAgentApplication.builder().properties(
                "redtrove.amqp.url=" + broker.url(),
                "redtrove.amqp.prefix=" + prefix,
                "redtrove.guest.data-dir=" + dir.resolve("guest"),
                "redtrove.guest.port-range=28000-28999",
                // The default: a report within a fraction of a second can only be one sent on a change.
                "redtrove.guest.heartbeat-interval=1s",
                "redtrove.guest.stop-redis-on-shutdown=true").run();
        rabbit = agent.getBean(RabbitTemplate.class);
        hostId = agent.getBean(HostIdentity.class).hostId();
        replies = Queues.replies(prefix, "test");
        agent.getBean(AmqpAdmin.class).declareQueue(new Queue(replies, false, false, false));
    }

    @AfterAll
    static void stopAgentAndBroker() {
        if (agent != null) {
            agent.close(); // stop-redis-on-shutdown: every redis-server stops with it
        }
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * A host cut off from the broker must notice, or the requests sent to it wait in a connection in
     * TCP's retransmission backoff long after the network is back (PartitionIT): the agent's
     * connection carries heartbeats of a few seconds, as negotiated with the broker itself.
     */
    @Test
    void theAgentsBrokerConnectionCarriesHeartbeatsOfAFewSeconds() {
        Connection connection = agent.getBean(ConnectionFactory.class).createConnection();
        assertThat(connection.getDelegate().getHeartbeat()).as("negotiated heartbeat, seconds").isEqualTo(5);
    }

    /** Sends requests with distinct correlation ids; answers the reply to the given one. */
    private static void send(byte[] body, String correlationId) {
        send(body, correlationId, null);
    }

    private static void send(byte[] body, String correlationId, Long deadline) {
        MessageProperties props = new MessageProperties();
        if (deadline != null) {
            props.setHeader(Queues.DEADLINE_HEADER, deadline);
        }
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        props.setReplyTo(replies);
        props.setCorrelationId(correlationId);
        rabbit.send("", Queues.guest(prefix, hostId), new Message(body, props));
    }

    private static GuestRequest.Prepare prepare(UUID id) {
        return new GuestRequest.Prepare(id, "rpc-pw", 32L << 20, new Membership(UUID.randomUUID(), 1), "rpc-repl-pw");
    }

    private static GuestReply call(GuestRequest request) {
        String correlationId = UUID.randomUUID().toString();
        send(Wire.encode(request), correlationId);
        Message reply = rabbit.receive(replies, 20_000);
        assertThat(reply).as("reply to " + request.getClass().getSimpleName()).isNotNull();
        assertThat(reply.getMessageProperties().getCorrelationId()).isEqualTo(correlationId);
        return Wire.decode(reply.getBody(), GuestReply.class);
    }

    @Test
    void prepareDescribeAndDeleteOverTheQueue() {
        UUID id = UUID.randomUUID();

        GuestReply prepared = call(prepare(id));

        assertThat(prepared.isOk()).as(prepared.error()).isTrue();
        assertThat(prepared.instance().port()).isBetween(28000, 28999);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        GuestReply described;
        do {
            described = call(new GuestRequest.Describe(id));
        } while (described.instance().state() != RedisState.RUNNING && System.nanoTime() < deadline);
        assertThat(described.instance().state()).isEqualTo(RedisState.RUNNING);

        assertThat(call(new GuestRequest.Delete(id)).isOk()).isTrue();
        assertThat(call(new GuestRequest.Describe(id)).error()).contains("no instance");
    }

    @Test
    void slowWaitDoesNotHoldBackOtherRequests() throws Exception {
        UUID id = UUID.randomUUID();
        assertThat(call(prepare(id)).isOk()).isTrue();
        try {
            // Answering at all, or the wait would fail at once (on a loaded machine Redis takes a moment).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (call(new GuestRequest.Describe(id)).instance().state() != RedisState.RUNNING
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            send(Wire.encode(new GuestRequest.WaitForOffset(id, Long.MAX_VALUE, 3000)), "slow");
            Thread.sleep(200);
            send(Wire.encode(new GuestRequest.Describe(id)), "fast");

            Message first = rabbit.receive(replies, 10_000);
            Message second = rabbit.receive(replies, 10_000);

            assertThat(first.getMessageProperties().getCorrelationId()).isEqualTo("fast");
            assertThat(second.getMessageProperties().getCorrelationId()).isEqualTo("slow");
            GuestReply timedOut = Wire.decode(second.getBody(), GuestReply.class);
            assertThat(timedOut.isOk()).isFalse();
            assertThat(timedOut.error()).contains("within 3000 ms");
        } finally {
            call(new GuestRequest.Delete(id));
        }
    }

    @Test
    void requestsReadAfterTheirDeadlineAreNeverRun() throws Exception {
        UUID master = UUID.randomUUID();
        GuestReply prepared = call(prepare(master));
        assertThat(prepared.isOk()).isTrue();
        UUID never = UUID.randomUUID();
        try {
            long past = System.currentTimeMillis() - 1000;
            // As a request left in the durable queue while the agent was down would arrive.
            send(Wire.encode(new GuestRequest.PauseWrites(master, 10_000)), "late-pause", past);
            send(Wire.encode(prepare(never)), "late-prepare", past);
            send(Wire.encode(new GuestRequest.Describe(master)), "on-time", System.currentTimeMillis() + 10_000);

            Message reply = rabbit.receive(replies, 10_000);
            assertThat(reply.getMessageProperties().getCorrelationId()).isEqualTo("on-time");
            assertThat(rabbit.receive(replies, 1000)).as("no answer to an expired request").isNull();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            GuestReply described;
            do {
                described = call(new GuestRequest.Describe(master));
            } while (described.instance().state() != RedisState.RUNNING && System.nanoTime() < deadline);
            try (Jedis redis = new Jedis("127.0.0.1", described.instance().port(), 2000)) {
                redis.auth("rpc-pw");
                redis.set("written", "at once"); // a paused master would hold this past the timeout
                assertThat(redis.get("written")).isEqualTo("at once");
            }
            assertThat(call(new GuestRequest.Describe(never)).error()).contains("no instance");
        } finally {
            call(new GuestRequest.Delete(master));
            call(new GuestRequest.Delete(never));
        }
    }

    @Test
    void undecodableRequestGetsAFailedReply() {
        send("{\"op\":\"no-such-op\"}".getBytes(), "garbage");
        Message reply = rabbit.receive(replies, 10_000);
        assertThat(reply.getMessageProperties().getCorrelationId()).isEqualTo("garbage");
        assertThat(Wire.decode(reply.getBody(), GuestReply.class).error()).contains("undecodable");
    }

    @Test
    void agentRegistersAndHeartbeatsItsInstances() {
        UUID id = UUID.randomUUID();
        assertThat(call(prepare(id)).isOk()).isTrue();
        try {
            boolean registered = false;
            boolean reported = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!(registered && reported) && System.nanoTime() < deadline) {
                Message m = rabbit.receive(Queues.conductor(prefix), 1000);
                if (m == null) {
                    continue;
                }
                ConductorMessage message = Wire.decode(m.getBody(), ConductorMessage.class);
                assertThat(message.hostId()).isEqualTo(hostId);
                if (message instanceof ConductorMessage.HostRegistration r) {
                    assertThat(r.redisVersion()).matches("\\d+\\.\\d+\\.\\d+");
                    registered = true;
                } else if (message instanceof ConductorMessage.Heartbeat h) {
                    reported |= h.instances().stream().anyMatch(i -> i.instanceId().equals(id)
                            && i.state() == RedisState.RUNNING && i.replication() != null);
                }
            }
            assertThat(registered).as("registration received").isTrue();
            assertThat(reported).as("heartbeat with the RUNNING instance received").isTrue();
        } finally {
            call(new GuestRequest.Delete(id));
        }
    }

    private static InstanceReport awaitRunning(UUID id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        GuestReply described;
        do {
            described = call(new GuestRequest.Describe(id));
        } while (described.instance().state() != RedisState.RUNNING && System.nanoTime() < deadline);
        assertThat(described.instance().state()).isEqualTo(RedisState.RUNNING);
        return described.instance();
    }

    /**
     * The heartbeats of the next {@code window}, in order. A registration read on the way is put back
     * on the queue: {@link #agentRegistersAndHeartbeatsItsInstances} waits for one, and the agent only
     * registers every 30 s.
     */
    private static List<ConductorMessage.Heartbeat> heartbeats(Duration window, Predicate<ConductorMessage.Heartbeat> until) {
        List<ConductorMessage.Heartbeat> seen = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = rabbit.receive(Queues.conductor(prefix), 200);
            if (m == null) {
                continue;
            }
            ConductorMessage message = Wire.decode(m.getBody(), ConductorMessage.class);
            if (message instanceof ConductorMessage.Heartbeat h) {
                seen.add(h);
                if (until.test(h)) {
                    return seen;
                }
            } else {
                rabbit.send("", Queues.conductor(prefix), m);
            }
        }
        return seen;
    }

    private static InstanceReport reportOf(ConductorMessage.Heartbeat h, UUID id) {
        return h.instances().stream().filter(i -> i.instanceId().equals(id)).findFirst().orElse(null);
    }

    @Test
    void heldMasterIsReportedWithinAFractionOfASecondAndPrepareStartsItAgain() throws Exception {
        UUID id = UUID.randomUUID();
        assertThat(call(prepare(id)).isOk()).isTrue();
        try {
            int port = awaitRunning(id).port();
            GuestReply configured = call(new GuestRequest.ConfigureSource(id, true, 0, new Fencing(0, 10, true)));
            assertThat(configured.isOk()).as(configured.error()).isTrue();
            long pid;
            try (Jedis redis = new Jedis("127.0.0.1", port, 2000)) {
                redis.auth("rpc-pw"); // the tenant may read INFO
                pid = Long.parseLong(redis.info("server").lines().filter(l -> l.startsWith("process_id:"))
                        .findFirst().orElseThrow().substring("process_id:".length()).trim());
            }

            Instant killedAt = Instant.now();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            Predicate<ConductorMessage.Heartbeat> reportsHeld = h -> !h.sentAt().isBefore(killedAt)
                    && reportOf(h, id) != null && reportOf(h, id).held();
            List<ConductorMessage.Heartbeat> untilHeld = heartbeats(Duration.ofSeconds(5), reportsHeld);
            assertThat(untilHeld).as("a heartbeat reporting the hold").isNotEmpty();
            ConductorMessage.Heartbeat first = untilHeld.get(untilHeld.size() - 1);
            assertThat(reportsHeld.test(first)).isTrue();
            assertThat(Duration.between(killedAt, first.sentAt())).isLessThan(Duration.ofMillis(500));
            InstanceReport held = reportOf(first, id);
            assertThat(held.state()).isEqualTo(RedisState.STOPPED);
            assertThat(held.detail()).contains("waits for the taskmanager");
            assertThat(held.fencing()).isEqualTo(new Fencing(0, 10, true));

            // Held is suspect: reported every 100 ms (suspect-heartbeat-interval), not every second.
            Instant windowEnd = first.sentAt().plusSeconds(1);
            List<ConductorMessage.Heartbeat> next = heartbeats(Duration.ofSeconds(3),
                    h -> h.sentAt().isAfter(windowEnd));
            assertThat(next.stream().filter(h -> h.sentAt().isBefore(windowEnd))).hasSizeGreaterThanOrEqualTo(5);

            GuestReply prepared = call(prepare(id));
            assertThat(prepared.isOk()).as(prepared.error()).isTrue();
            assertThat(prepared.instance().held()).isFalse();
            awaitRunning(id);
        } finally {
            call(new GuestRequest.Delete(id));
        }
    }
}
