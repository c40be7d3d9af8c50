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
 * @param membership   the set and epoch the guest last applied to this instance; null for an
 *                     instance no role change reached since it was created by an older version
 * @param access       how far its ACLs are set up
 * @param fencing      what the guest applied as a master (null: never configured)
 * @param held         its redis-server exited and the guest is not restarting it on its own
 *                     ({@link Fencing#holdRestart}): it waits for the taskmanager
 * @param disk         what its persistence files take of its volume; null until the guest has a
 *                     volume for it (an instance created before volumes were held to their size)
 * @param usage        what the last answered probe read of its load; null while it does not answer
 *                     (and from agents that do not read it)
 */
public record InstanceReport(UUID instanceId, int port, RedisState state, String detail, boolean persistent,
                             ReplicationInfo replication, Instant lastAnswered, Membership membership,
                             AccessState access, Fencing fencing, boolean held, Disk disk, Usage usage) {

    /**
     * The instance's volume as its guest holds it.
     *
     * @param usedBytes     what its data files take now (AOF, RDB snapshots, temporary files)
     * @param budgetBytes   its volume's size
     * @param writesRefused the tenant's writes are refused, as the files outgrew the volume
     */
    public record Disk(long usedBytes, long budgetBytes, boolean writesRefused) {
    }

    /**
     * INFO memory, clients and stats, for metrics.
     *
     * @param usedMemoryBytes  used_memory
     * @param maxMemoryBytes   maxmemory (0: no limit)
     * @param connectedClients connected_clients, the agent's own connections included
     * @param opsPerSecond     instantaneous_ops_per_sec
     */
    public record Usage(long usedMemoryBytes, long maxMemoryBytes, long connectedClients, long opsPerSecond) {
    }

    public InstanceReport(UUID instanceId, int port, RedisState state, String detail, boolean persistent,
                          ReplicationInfo replication, Instant lastAnswered, Membership membership,
                          AccessState access, Fencing fencing, boolean held, Disk disk) {
        this(instanceId, port, state, detail, persistent, replication, lastAnswered, membership, access, fencing, held,
                disk, null);
    }

    public InstanceReport(UUID instanceId, int port, RedisState state, String detail, boolean persistent,
                          ReplicationInfo replication, Instant lastAnswered, Membership membership,
                          AccessState access, Fencing fencing, boolean held) {
        this(instanceId, port, state, detail, persistent, replication, lastAnswered, membership, access, fencing, held,
                null);
    }
}
