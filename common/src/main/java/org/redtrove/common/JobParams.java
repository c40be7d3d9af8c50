package org.redtrove.common;

import java.util.List;
import java.util.UUID;

/**
 * The parameters of a job, stored as JSON in jobs.params. Which fields a kind reads:
 * CREATE and DELETE and DETACH: none beyond the job's instance; ATTACH_REPLICAS: the job's instance
 * is the source and {@code instanceIds} the new replicas; PROMOTE: the job's instance is the
 * candidate and {@code sourceId} its current master; EJECT: the job's instance is the failed master.
 */
public record JobParams(List<UUID> instanceIds, UUID sourceId) {

    public static JobParams none() {
        return new JobParams(List.of(), null);
    }

    public JobParams {
        instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    }
}
