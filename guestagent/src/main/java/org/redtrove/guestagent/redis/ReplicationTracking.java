package org.redtrove.guestagent.redis;

import org.redtrove.common.ReplicationInfo;

/**
 * What the agent remembers about a replica's link that Redis itself forgets:
 * <ul>
 * <li>when the replica last heard from its master. Redis reports master_last_io_seconds_ago as -1 as
 * soon as the link drops, which is exactly when failover needs to compare replicas;</li>
 * <li>whether the replica finished a sync with the master it was last pointed at. A replica that never
 * did holds a partial or foreign data set and must never be promoted.</li>
 * </ul>
 * Every Follow to a new master, and every BecomeMaster, starts a new generation; an INFO read that began in an older generation is
 * ignored, so a probe racing with REPLICAOF cannot mark the new link as synced.
 */
final class ReplicationTracking {

    private long generation;
    private String expectedMaster;
    private long lastMasterIoAtMillis = -1;
    private boolean syncCompleted;
    private final SyncMemory memory;

    /**
     * Keeps "synced with which master" across agent restarts. Called with the tracking lock held, so
     * what is stored always matches what is tracked.
     */
    interface SyncMemory {
        void remember(String syncedWith);
    }

    ReplicationTracking(String expectedMaster, boolean syncCompleted, SyncMemory memory) {
        this.expectedMaster = expectedMaster;
        this.syncCompleted = syncCompleted;
        this.memory = memory;
    }

    synchronized long generation() {
        return generation;
    }

    synchronized String expectedMaster() {
        return expectedMaster;
    }

    /** The replica is being pointed at a new master (or, with null, made a master). */
    synchronized void reset(String newMaster) {
        generation++;
        expectedMaster = newMaster;
        lastMasterIoAtMillis = -1;
        if (syncCompleted) {
            memory.remember(null);
        }
        syncCompleted = false;
    }

    /** Folds one INFO replication reading in; answers the reading with the agent's own figures. */
    synchronized ReplicationInfo observe(ReplicationInfo raw, long readGeneration, long nowMillis) {
        if (!raw.isReplica()) {
            return withTracked(raw, -1, false);
        }
        String master = raw.masterHost() + ":" + raw.masterPort();
        boolean current = readGeneration == generation;
        if (current && generation == 0 && expectedMaster == null) {
            // A replica this agent run never re-pointed, with no replicaof in its file (attached by
            // hand): follow what Redis says. After our own Follow or BecomeMaster the file is authoritative.
            expectedMaster = master;
        }
        if (current && master.equals(expectedMaster)) {
            if (raw.masterLastIoSecondsAgo() >= 0) {
                long heardAt = nowMillis - raw.masterLastIoSecondsAgo() * 1000;
                lastMasterIoAtMillis = Math.max(lastMasterIoAtMillis, heardAt);
            }
            if (raw.masterLinkUp() && !raw.syncInProgress() && !syncCompleted) {
                syncCompleted = true;
                memory.remember(master);
            }
        }
        long since = lastMasterIoAtMillis < 0 ? -1 : Math.max(0, nowMillis - lastMasterIoAtMillis);
        return withTracked(raw, since, syncCompleted);
    }

    private static ReplicationInfo withTracked(ReplicationInfo r, long millisSinceMasterIo, boolean synced) {
        return new ReplicationInfo(r.role(), r.masterHost(), r.masterPort(), r.masterLinkUp(),
                r.syncInProgress(), r.processedOffset(), r.replId(), r.replId2(), r.secondReplOffset(),
                r.masterLastIoSecondsAgo(), millisSinceMasterIo, synced, r.replicas(), r.millisSinceMasterAnswered(),
                r.syncs(), r.backlogFirstByte(), r.transfer());
    }
}
