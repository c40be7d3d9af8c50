package org.redtrove.common;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A replication task as the guest agent that runs it needs it: where to send, what passes, and in
 * which mode. The taskmanager sends the whole list of an instance's tasks each time
 * ({@link GuestRequest.RunReplicationTasks}); a task not in it stops there.
 *
 * @param targetDb       the target database every record goes to; null: the record's own database
 * @param targetPassword the target's password (opened from its seal for this message only); null: none
 * @param entries        key glob patterns; empty: every key
 * @param eachN          keep the first and every n-th record of a key; null: every record
 * @param eachS          keep a record of a key only this many seconds of record time after the last
 *                       one kept; null: no spacing
 * @param mode           enabled (read and send), paused (read and log, do not send), disabled (neither)
 * @param knownApplied   the last position the taskmanager knows was applied on the target (from an
 *                       earlier report, maybe from another host); null if none. The target's own
 *                       record of it wins when it is reachable.
 * @param fresh          the task never ran: it starts at the current end of the stream
 */
public record ReplicationTaskSpec(UUID taskId, String name, String targetHost, int targetPort, Integer targetDb,
                                  boolean targetTls, String targetPassword, List<String> entries,
                                  Map<String, String> include, Map<String, String> exclude, Integer eachN,
                                  Double eachS, String mode, ReplicationTaskReport.Position knownApplied,
                                  boolean fresh) {

    /** The same task with its settings, mode or target changed: what makes a runner restart. */
    public boolean sameSettings(ReplicationTaskSpec other) {
        return other != null && withoutPositions().equals(other.withoutPositions());
    }

    private ReplicationTaskSpec withoutPositions() {
        return new ReplicationTaskSpec(taskId, name, targetHost, targetPort, targetDb, targetTls, targetPassword,
                entries, include, exclude, eachN, eachS, mode, null, false);
    }

    /** Never print the password. */
    @Override
    public String toString() {
        return "ReplicationTaskSpec[" + name + " -> " + targetHost + ":" + targetPort + ", " + mode + "]";
    }
}
