package org.redtrove.common;

import java.time.Instant;
import java.util.UUID;

/**
 * One instance as its guest agent sees it right now.
 *
 * @param persistent   whether the instance persists its data (appendonly or RDB saves); a
 *                     replica source must, or a restart would wipe every replica through a full sync
 * @param replication  null while the instance does not answer
 * @param lastAnswered when Redis last answered the agent, on the agent's clock (null if never); the
 *                     conductor compares it with the heartbeat's own sentAt, so clock skew between
 *                     hosts does not matter
 */
public record InstanceReport(UUID instanceId, int port, RedisState state, String detail, boolean persistent,
                             ReplicationInfo replication, Instant lastAnswered) {
}
