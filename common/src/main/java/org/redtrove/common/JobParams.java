package org.redtrove.common;

import java.util.List;
import java.util.UUID;

/**
 * The parameters of a job, stored as JSON in jobs.params. Which fields a kind reads:
 * CREATE and DELETE and DETACH: none beyond the job's instance; ATTACH_REPLICAS: the job's instance
 * is the source and {@code instanceIds} the new replicas; PROMOTE: the job's instance is the
 * candidate and {@code sourceId} its current master; EJECT: the job's instance is the failed master;
 * RECONCILE: the job's instance is a member of the set to repair; COPY: {@code copy}, and the job's
 * instance is the source (or the target when the source is a URL); RESIZE: {@code resize}; RESTART
 * and CONFIGURE: none beyond the job's instance (CONFIGURE reads the group its set's rows name);
 * BACKUP and DELETE_BACKUP: {@code backupId} (the job's instance is the one backed up, which a
 * DELETE_BACKUP's may no longer be). CREATE restores the backup its instance's row names.
 *
 * @param reason why the taskmanager started the job itself (an automatic failover and the failure
 *               analysis behind it, a repair); null for jobs a user asked for
 * @param copy   what a COPY job copies; null for every other kind
 * @param resize what a RESIZE job changes (the job's instance is a member of the set); null for
 *               every other kind
 * @param backupId the backup a BACKUP job takes or a DELETE_BACKUP job removes; null for every other kind
 */
public record JobParams(List<UUID> instanceIds, UUID sourceId, String reason, CopySpec copy, Resize resize,
                        UUID backupId) {

    /** A new flavor or a new volume size, for the whole set; exactly one of the two is set. */
    public record Resize(Integer flavorId, Integer volumeSizeGb) {
    }

    public static JobParams none() {
        return new JobParams(List.of(), null, null, null, null, null);
    }

    public JobParams(List<UUID> instanceIds, UUID sourceId) {
        this(instanceIds, sourceId, null, null, null, null);
    }

    /** A job the taskmanager starts on its own, saying why. */
    public static JobParams because(String reason) {
        return new JobParams(List.of(), null, reason, null, null, null);
    }

    public static JobParams copy(CopySpec copy) {
        return new JobParams(List.of(), null, null, copy, null, null);
    }

    public static JobParams resize(Resize resize) {
        return new JobParams(List.of(), null, null, null, resize, null);
    }

    public static JobParams backup(UUID backupId) {
        return new JobParams(List.of(), null, null, null, null, backupId);
    }

    public JobParams {
        instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    }
}
