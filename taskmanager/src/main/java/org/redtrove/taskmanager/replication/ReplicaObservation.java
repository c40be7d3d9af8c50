package org.redtrove.taskmanager.replication;

import java.util.UUID;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;

/**
 * What the taskmanager learnt about one member just now, by asking its guest.
 *
 * @param report      its guest's answer; null when the guest could not be asked
 * @param unreachable why its Redis cannot be used now (the guest did not answer, or Redis is not
 *                    running); null when it answers
 */
public record ReplicaObservation(UUID instanceId, InstanceReport report, String unreachable) {

    public static ReplicaObservation of(UUID instanceId, InstanceReport report) {
        String problem = report.state() == RedisState.RUNNING && report.replication() != null ? null
                : "Redis is " + report.state() + (report.detail() == null ? "" : " (" + report.detail() + ")");
        return new ReplicaObservation(instanceId, report, problem);
    }

    public static ReplicaObservation unreachable(UUID instanceId, String why) {
        return new ReplicaObservation(instanceId, null, why);
    }

    /** The parsed INFO replication, or null when its Redis cannot be used now. */
    public ReplicationInfo info() {
        return unreachable != null ? null : report.replication();
    }
}
