package org.redtrove.api.replications;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.common.ReplicationTaskReport;

/**
 * A replication task as stored: resolved settings, whether a provisioner owns it, and the latest
 * report of the agent running it. The stored password never leaves the database through here;
 * the row only says whether there is one.
 *
 * @param runtime      the agent's latest report; null before the first (or when unreadable)
 * @param runtimeFresh the report arrived recently enough (database clock) to say the task runs now
 */
public record ReplicationTask(UUID id, String projectId, String name, UUID srcInstanceId, UUID dstInstanceId,
                              String dstHost, boolean hasDstPassword, List<String> entries,
                              Map<String, String> include, Map<String, String> exclude, Integer eachN, Double eachS,
                              ReplicationMode mode, boolean provisioned, ReplicationTaskReport runtime,
                              boolean runtimeFresh, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /**
     * ReductStore's is_active: the task is meant to run, and its agent said a moment ago that it
     * reads the source and reaches the destination. A stale report says nothing about now.
     */
    public boolean isActive() {
        return mode.runs() && runtime != null && runtime.active() && runtimeFresh;
    }
}
