package org.redtrove.taskmanager.instances;

import java.util.UUID;
import org.redtrove.common.ServerStatus;
import org.redtrove.common.TaskStatus;

/** The taskmanager's view of one instance row. */
public record Instance(UUID id, String projectId, String name, int flavorId, long maxmemoryBytes,
                       TaskStatus taskStatus, ServerStatus serverStatus, UUID replicaOf, String hostId,
                       String hostAddress, Integer port, String password, boolean deleted) {

    public boolean isPlaced() {
        return hostId != null;
    }
}
