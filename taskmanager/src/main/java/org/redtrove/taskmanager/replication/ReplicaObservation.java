package org.redtrove.taskmanager.replication;

import java.util.UUID;
import org.redtrove.common.ReplicationInfo;

/**
 * What the taskmanager learnt about one replica just now, by asking its guest.
 *
 * @param info        null when the replica could not be asked
 * @param unreachable why it could not be asked, when {@code info} is null
 */
public record ReplicaObservation(UUID instanceId, ReplicationInfo info, String unreachable) {

    public static ReplicaObservation of(UUID instanceId, ReplicationInfo info) {
        return new ReplicaObservation(instanceId, info, null);
    }

    public static ReplicaObservation unreachable(UUID instanceId, String why) {
        return new ReplicaObservation(instanceId, null, why);
    }
}
