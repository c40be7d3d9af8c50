package org.redtrove.api.instances;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.redtrove.common.ServerStatus;
import org.redtrove.common.TaskStatus;

/**
 * One non-deleted instance row with what its views need from flavors, versions, hosts and its
 * replica set.
 *
 * @param health       how the taskmanager's set supervisor last judged it (HEALTHY, SYNCING,
 *                     UNREACHABLE, FAILED, DIVERGED)
 * @param healthDetail why, when it is not healthy
 * @param provisioned  the api's environment provisions it (REDTROVE_INSTANCE_*): the API may not
 *                     rename, detach or delete it
 * @param configurationId the configuration group of its set; null for none
 */
record InstanceRow(UUID id, String projectId, String name, int flavorId, int flavorDiskGb, UUID datastoreVersionId,
                   String datastoreName, String versionName, String versionNumber, String taskStatus,
                   String serverStatus, String serviceStatus, OffsetDateTime serviceStatusUpdated, UUID replicaOf,
                   String hostAddress, Integer port, String password, Integer volumeSize, String faultMessage,
                   String faultDetails, OffsetDateTime faultCreated, OffsetDateTime createdAt,
                   OffsetDateTime updatedAt, UUID replicaSetId, String replicaSetName, Long replicaSetEpoch,
                   String health, String healthDetail, boolean provisioned, UUID configurationId,
                   String configurationName, Long diskUsedBytes, boolean diskWritesRefused) {

    boolean isReplica() {
        return replicaOf != null;
    }

    /** Trove's validate_can_perform_action: nothing in progress and built. */
    boolean availableForAction() {
        return TaskStatus.NONE.name().equals(taskStatus) && ServerStatus.ACTIVE.name().equals(serverStatus);
    }

    boolean hasTaskInProgress() {
        return !TaskStatus.NONE.name().equals(taskStatus) && !InstanceStatus.isErrorTask(taskStatus);
    }
}
