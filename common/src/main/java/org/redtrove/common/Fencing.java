package org.redtrove.common;

/**
 * What a master does to protect the writes of its set (DESIGN.md decision 13).
 *
 * @param minReplicasToWrite Redis's min-replicas-to-write: a master cut off from its replicas for
 *                           longer than {@code maxLagSeconds} refuses writes, so a partitioned old
 *                           master cannot take writes the new one will never see. 0 = off
 * @param maxLagSeconds      Redis's min-replicas-max-lag
 * @param holdRestart        when its redis-server exits, the guest does not restart it on its own:
 *                           its replicas may hold writes its AOF lost, and the taskmanager decides
 *                           between failing over and restarting it
 */
public record Fencing(int minReplicasToWrite, int maxLagSeconds, boolean holdRestart) {

    public static final Fencing NONE = new Fencing(0, 10, false);
}
