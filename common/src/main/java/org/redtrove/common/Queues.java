package org.redtrove.common;

/**
 * Queue names shared by every process. Everything goes through the default exchange with the
 * queue name as routing key: plain AMQP 0-9-1, so the embedded broker and RabbitMQ behave alike.
 * A prefix (redtrove.amqp.prefix) lets several installations, or test runs, share one broker.
 */
public final class Queues {

    public static final String DEFAULT_PREFIX = "redtrove";

    /**
     * Header of a guest request: the epoch milliseconds after which its sender no longer waits for
     * it. The guest drops a request it reads later than that, unrun.
     */
    public static final String DEADLINE_HEADER = "x-deadline";

    private Queues() {
    }

    /** Job pointers published by the api's outbox relay, consumed by the taskmanager. */
    public static String jobs(String prefix) {
        return prefix + ".jobs";
    }

    /** Host registrations and heartbeats from guest agents, consumed by the conductor. */
    public static String conductor(String prefix) {
        return prefix + ".conductor";
    }

    /** RPC requests for the guest agent of one host. */
    public static String guest(String prefix, String hostId) {
        return prefix + ".guest." + hostId;
    }

    /** Replies to one taskmanager process's guest RPCs. */
    public static String replies(String prefix, String processId) {
        return prefix + ".replies." + processId;
    }
}
