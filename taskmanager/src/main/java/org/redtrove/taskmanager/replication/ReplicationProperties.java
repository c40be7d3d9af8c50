package org.redtrove.taskmanager.replication;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Replication settings of the taskmanager (keys under {@code redtrove.replication}).
 *
 * @param disklessSync    masters stream their snapshot to replicas instead of writing it to disk
 * @param syncTimeout     how long a new replica may take to complete its first sync
 * @param pauseTimeout    the longest a switchover may hold writes on the old master; Redis lifts
 *                        the pause by itself after this, even if the taskmanager died meanwhile
 * @param catchUpTimeout  how long a promote waits for the candidate to reach the master's offset
 *                        before it gives up and leaves the set as it was
 * @param observeTimeout  how long to wait for each replica's guest when ranking for an eject
 */
@ConfigurationProperties("redtrove.replication")
public record ReplicationProperties(
        @DefaultValue("true") boolean disklessSync,
        @DefaultValue("30m") Duration syncTimeout,
        @DefaultValue("10s") Duration pauseTimeout,
        @DefaultValue("2s") Duration catchUpTimeout,
        @DefaultValue("3s") Duration observeTimeout) {
}
