package org.redtrove.common;

import java.util.List;

/**
 * The parsed INFO replication section of one instance, plus what its guest agent remembers.
 *
 * @param role                     "master" or "slave", as Redis says it
 * @param masterHost               replicas only, else null
 * @param masterPort               replicas only, else 0
 * @param masterLinkUp             replicas only: master_link_status is up
 * @param syncInProgress           replicas only: master_sync_in_progress
 * @param processedOffset          replicas: slave_repl_offset; masters: master_repl_offset
 * @param replId                   master_replid: the replication history this instance follows
 * @param replId2                  master_replid2: the history it followed before its last promotion
 * @param secondReplOffset         second_repl_offset: up to where replId2 is still valid
 * @param masterLastIoSecondsAgo   Redis's own figure; -1 whenever the link is down
 * @param millisSinceMasterIo      kept by the agent: time since this replica last heard from its
 *                                 master, still meaningful after the link went down; -1 if never
 * @param syncCompleted            kept by the agent: the link has been up since the replica was last
 *                                 pointed at this master, so its data is a copy of that master's
 * @param replicas                 masters only: the connected replicas as the master lists them
 * @param millisSinceMasterAnswered kept by the agent: time since this replica's master last answered
 *                                 the agent's own PING, sent every 100 ms with the replication user;
 *                                 how a replica confirms that its master is gone. -1 if never
 * @param syncs                    INFO stats: the syncs this instance served as a master (null from
 *                                 agents that do not read them)
 * @param backlogFirstByte         repl_backlog_first_byte_offset: the oldest offset a PSYNC to this
 *                                 instance can continue from; -1 without a backlog (or not read)
 * @param transfer                 replicas in a full sync only: how much of the master's data has
 *                                 arrived; null otherwise (and from agents that do not read it)
 */
public record ReplicationInfo(String role, String masterHost, int masterPort, boolean masterLinkUp,
                              boolean syncInProgress, long processedOffset, String replId, String replId2,
                              long secondReplOffset, long masterLastIoSecondsAgo, long millisSinceMasterIo,
                              boolean syncCompleted, List<ReplicaLink> replicas, long millisSinceMasterAnswered,
                              SyncCounts syncs, long backlogFirstByte, SyncTransfer transfer) {

    public ReplicationInfo(String role, String masterHost, int masterPort, boolean masterLinkUp,
                           boolean syncInProgress, long processedOffset, String replId, String replId2,
                           long secondReplOffset, long masterLastIoSecondsAgo, long millisSinceMasterIo,
                           boolean syncCompleted, List<ReplicaLink> replicas, long millisSinceMasterAnswered,
                           SyncCounts syncs, long backlogFirstByte) {
        this(role, masterHost, masterPort, masterLinkUp, syncInProgress, processedOffset, replId, replId2,
                secondReplOffset, masterLastIoSecondsAgo, millisSinceMasterIo, syncCompleted, replicas,
                millisSinceMasterAnswered, syncs, backlogFirstByte, null);
    }

    public ReplicationInfo(String role, String masterHost, int masterPort, boolean masterLinkUp,
                           boolean syncInProgress, long processedOffset, String replId, String replId2,
                           long secondReplOffset, long masterLastIoSecondsAgo, long millisSinceMasterIo,
                           boolean syncCompleted, List<ReplicaLink> replicas, long millisSinceMasterAnswered) {
        this(role, masterHost, masterPort, masterLinkUp, syncInProgress, processedOffset, replId, replId2,
                secondReplOffset, masterLastIoSecondsAgo, millisSinceMasterIo, syncCompleted, replicas,
                millisSinceMasterAnswered, null, -1, null);
    }

    /**
     * Whether a PSYNC to this instance can continue the stream after {@code offset} of the history
     * {@code replId}: that history is its own, or the one it followed before its last promotion up
     * to where that stayed valid, and its backlog still holds the next byte.
     */
    public boolean canContinue(String history, long offset) {
        return holdsHistory(history, offset) && offset <= processedOffset;
    }

    /**
     * Whether this instance still holds the history {@code replId} at {@code offset}, whether or
     * not it has reached the offset yet: a reader that runs here can go on here. False once it went
     * through a full resync or a restart that began a history of its own.
     */
    public boolean holdsHistory(String history, long offset) {
        boolean sameHistory = history.equals(replId)
                || (history.equals(replId2) && offset + 1 <= secondReplOffset);
        return sameHistory && backlogFirstByte >= 0 && offset + 1 >= backlogFirstByte;
    }

    /**
     * INFO replication's master_sync_read_bytes and master_sync_total_bytes during a full sync; the
     * total is -1 when the master streams its snapshot without writing it first (diskless sync).
     */
    public record SyncTransfer(long receivedBytes, long totalBytes) {
    }

    /** INFO stats' sync_full, sync_partial_ok and sync_partial_err: syncs served since Redis started. */
    public record SyncCounts(long full, long partialOk, long partialErr) {
    }

    public boolean isReplica() {
        return "slave".equals(role);
    }

    /**
     * For a master: whether it has taken writes of its own since it was last promoted (its offset
     * went past the end of the history it inherited). A replica promoted behind our back that took
     * none can be turned back into a replica without losing anything.
     */
    public boolean wroteSincePromotion() {
        return !isReplica() && replId2 != null && !replId2.matches("0+") && secondReplOffset > 0
                && processedOffset >= secondReplOffset;
    }

    /** One "slaveN:" line of a master's INFO replication. */
    public record ReplicaLink(String ip, int port, String state, long offset, long lag) {
    }
}
