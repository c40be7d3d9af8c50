package org.redtrove.taskmanager.instances;

import java.util.UUID;
import org.redtrove.common.ServerStatus;
import org.redtrove.common.TaskStatus;

/**
 * The taskmanager's view of one instance row.
 *
 * @param replicaSetId the set it belongs to (see ReplicaSet); {@code replicaOf} is that set's master
 *                     for every member but the master itself
 * @param health       how the set supervisor last judged it
 */
public record Instance(UUID id, String projectId, String name, int flavorId, long maxmemoryBytes,
                       TaskStatus taskStatus, ServerStatus serverStatus, UUID replicaOf, UUID replicaSetId,
                       String hostId, String hostAddress, Integer port, String password, boolean deleted,
                       Health health) {

    public boolean isPlaced() {
        return hostId != null;
    }
}
