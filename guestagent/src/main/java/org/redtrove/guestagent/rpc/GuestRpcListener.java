package org.redtrove.guestagent.rpc;

import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.Queues;
import org.redtrove.common.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Consumes the agent's request queue: decodes a {@link GuestRequest}, handles it and publishes the
 * {@link GuestReply} to the request's reply-to queue through the default exchange, with the request's
 * correlation id. Plain AMQP request/reply, so any 0-9-1 broker serves.
 *
 * <p>A request read after its deadline (the {@link Queues#DEADLINE_HEADER} header, epoch milliseconds set
 * by the taskmanager from its RPC timeout) is dropped without being run or answered: its caller has
 * given up, and the request queue is durable, so an agent that was down would otherwise find old
 * requests waiting and run them late, like a PauseWrites that nobody will lift. The comparison uses
 * the two hosts' clocks, which must be kept in step (NTP) to well within the RPC timeouts.
 */
@Component
public class GuestRpcListener implements MessageListener {

    private static final Logger log = LoggerFactory.getLogger(GuestRpcListener.class);

    private final GuestRequestHandler handler;
    private final RabbitTemplate rabbit;

    public GuestRpcListener(GuestRequestHandler handler, RabbitTemplate rabbit) {
        this.handler = handler;
        this.rabbit = rabbit;
    }

    @Override
    public void onMessage(Message message) {
        MessageProperties props = message.getMessageProperties();
        long lateMillis = lateBy(props);
        if (lateMillis > 0) {
            log.warn("dropped a request {} ms past its deadline, unrun (correlation id {})", lateMillis,
                    props.getCorrelationId());
            return;
        }
        GuestReply reply = handle(message.getBody());
        String replyTo = props.getReplyTo();
        if (replyTo == null || replyTo.isBlank()) {
            log.warn("request without reply-to (correlation id {}) handled; no reply sent", props.getCorrelationId());
            return;
        }
        MessageProperties replyProps = new MessageProperties();
        replyProps.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        replyProps.setCorrelationId(props.getCorrelationId());
        // A failed publish throws: the request is requeued and handled again, which is safe because
        // every request is idempotent.
        rabbit.send("", replyTo, new Message(Wire.encode(reply), replyProps));
    }

    /** How far past its deadline the request is, or 0 when it is not (or has none). */
    static long lateBy(MessageProperties props) {
        Object deadline = props.getHeaders().get(Queues.DEADLINE_HEADER);
        if (!(deadline instanceof Number millis)) {
            return 0;
        }
        return Math.max(0, System.currentTimeMillis() - millis.longValue());
    }

    private GuestReply handle(byte[] body) {
        GuestRequest request;
        try {
            request = Wire.decode(body, GuestRequest.class);
        } catch (RuntimeException e) {
            log.warn("undecodable guest request: {}", e.getMessage());
            return GuestReply.failed("undecodable request: " + e.getMessage());
        }
        return handler.handle(request);
    }
}
