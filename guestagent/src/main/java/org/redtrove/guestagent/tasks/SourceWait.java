package org.redtrove.guestagent.tasks;

import java.time.Duration;
import org.redtrove.common.ReplicationTaskReport.Position;
import org.redtrove.guestagent.redis.InfoReplication;
import org.redtrove.guestagent.redis.RedisHost.LocalLogin;
import redis.clients.jedis.Jedis;

/**
 * A reader's wait for its source to hold the position it must continue from, before it sends a
 * PSYNC that would otherwise become a full resync: time for the taskmanager to move the task to a
 * member of the set that still holds the stream (a restarted master begins a history of its own),
 * or for a replica a little behind to catch up. Only once the wait runs out does the reader take
 * the resync and report what it missed. Used by the reader's thread alone.
 */
final class SourceWait {

    /** A replica a little behind the position catches up within this; only a longer wait is an error. */
    private static final long REPORT_AFTER_NANOS = 2_000_000_000L;

    private final LocalLogin source;
    private final TaskStats stats;
    private final long waitNanos;
    private long since = -1;
    private boolean reported;

    SourceWait(LocalLogin source, TaskStats stats, Duration wait) {
        this.source = source;
        this.stats = stats;
        this.waitNanos = wait.toNanos();
    }

    /**
     * True while the source does not hold {@code from} and the wait has not run out. A source that
     * holds the position again ends the wait; one that has not within two seconds, no mere lag
     * then, is said to in the task's errors, once.
     */
    boolean waiting(Position from) {
        if (continues(from)) {
            since = -1;
            reported = false;
            return false;
        }
        long now = System.nanoTime();
        if (since < 0) {
            since = now;
        }
        if (!reported && now - since >= REPORT_AFTER_NANOS) {
            reported = true;
            stats.error("SOURCE", source + " does not hold position " + from.offset() + " of " + from.replId()
                    + " of the replication stream: waiting for a member of the set that does", 0);
        }
        return now - since < waitNanos;
    }

    /**
     * Whether a PSYNC to the source would continue the stream after {@code at}, as its INFO
     * replication says now, rather than start a full resync.
     */
    private boolean continues(Position at) {
        try (Jedis jedis = source.open()) {
            return InfoReplication.parse(jedis.info("replication")).canContinue(at.replId(), at.offset());
        }
    }
}
