package org.redtrove.common;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How one replication task runs, as the guest agent running it reports it with every heartbeat.
 * The conductor stores the latest in replication_tasks.runtime; the api shows it as the task's
 * info and diagnostics.
 *
 * @param instanceId     the member of the source's set the task reads from, on the reporting host
 * @param active         the task reads its source and its target answers (false while either is down)
 * @param pendingRecords records that passed the filters and wait in the task's log for the target
 * @param bytesBehind    bytes of the source's replication stream not yet read by the task
 * @param lastBatchLagMillis from the arrival of the oldest record of the last batch sent to its
 *                       application on the target; -1 before the first batch
 * @param applied        the last source position applied on the target; null before the first
 * @param hourly         records applied and records that failed in the last hour
 * @param lastError      the latest error, for people; null when the task runs cleanly
 */
public record ReplicationTaskReport(UUID taskId, UUID instanceId, boolean active, long pendingRecords, long bytesBehind,
                                    long lastBatchLagMillis, Position applied, Hourly hourly, String lastError) {

    /** A place in a source's replication stream: the history, the offset after a command, its database. */
    public record Position(String replId, long offset, int db) {
    }

    /**
     * @param errors by code (a Redis error prefix such as WRONGTYPE, or one of RedTrove's:
     *               CONNECTION, UNSPLITTABLE, UNFILTERABLE, STREAM_MISSED)
     */
    public record Hourly(long ok, long errored, Map<String, ErrorCount> errors, List<Minute> minutes) {

        public Hourly(long ok, long errored, Map<String, ErrorCount> errors) {
            this(ok, errored, errors, List.of());
        }
    }

    /**
     * One minute of the last hour, as recorded (not scaled): records applied and failed, and the
     * most records pending at once.
     *
     * @param minute minutes since the epoch
     */
    public record Minute(long minute, long ok, long errored, long pending) {
    }

    public record ErrorCount(long count, String lastMessage) {
    }
}
