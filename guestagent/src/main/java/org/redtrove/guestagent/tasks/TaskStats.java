package org.redtrove.guestagent.tasks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.ReplicationTaskReport.ErrorCount;
import org.redtrove.common.ReplicationTaskReport.Hourly;

/**
 * A task's diagnostics for the last hour, in per-minute buckets as ReductStore keeps them:
 * records applied, records that failed, the most records pending, and errors by code with their
 * last message (the minutes themselves go with the report too, for the console's charts). Kept by the
 * agent for as long as it runs the task; a task that moves or an agent that restarts starts anew.
 */
final class TaskStats {

    private static final int MINUTES = 60;

    private static final class Minute {
        long minute = -1;
        long ok;
        long errored;
        long pending;
        final Map<String, ErrorCount> errors = new HashMap<>();
    }

    private final Minute[] minutes = new Minute[MINUTES];
    private final LongSupplier clock;
    private final long startedMinute;
    private volatile String lastError;

    TaskStats() {
        this(System::currentTimeMillis);
    }

    /** @param clock epoch milliseconds, for tests */
    TaskStats(LongSupplier clock) {
        this.clock = clock;
        this.startedMinute = clock.getAsLong() / 60_000;
        for (int i = 0; i < MINUTES; i++) {
            minutes[i] = new Minute();
        }
    }

    synchronized void ok(long records) {
        current().ok += records;
    }

    /**
     * @param records how many records the error cost (0 for one that only delayed them, such as a
     *                target that is down: they stay pending)
     */
    synchronized void error(String code, String message, long records) {
        Minute m = current();
        m.errored += records;
        ErrorCount before = m.errors.get(code);
        m.errors.put(code, new ErrorCount(before == null ? 1 : before.count() + 1, message));
        lastError = code + ": " + message;
    }

    /** Records pending now; each minute keeps its most. */
    synchronized void pending(long records) {
        Minute m = current();
        m.pending = Math.max(m.pending, records);
    }

    void clearLastError() {
        lastError = null;
    }

    String lastError() {
        return lastError;
    }

    /**
     * The last hour, as ReductStore reports it: the sums of the minutes kept, and while the task has
     * run for less than an hour, ok and errored scaled up to an hour (60 / minutes so far); the
     * error counts are not scaled, and each code's last message is its newest.
     */
    synchronized Hourly hourly() {
        long now = clock.getAsLong() / 60_000;
        long ok = 0;
        long errored = 0;
        Map<String, ErrorCount> errors = new HashMap<>();
        List<Minute> kept = new ArrayList<>();
        for (Minute m : minutes) {
            if (m.minute >= 0 && now - m.minute < MINUTES) {
                kept.add(m);
            }
        }
        kept.sort(Comparator.comparingLong(m -> m.minute));
        List<ReplicationTaskReport.Minute> perMinute = new ArrayList<>();
        for (Minute m : kept) {
            perMinute.add(new ReplicationTaskReport.Minute(m.minute, m.ok, m.errored, m.pending));
            ok += m.ok;
            errored += m.errored;
            for (Map.Entry<String, ErrorCount> e : m.errors.entrySet()) {
                ErrorCount sum = errors.get(e.getKey());
                errors.put(e.getKey(), new ErrorCount((sum == null ? 0 : sum.count()) + e.getValue().count(),
                        e.getValue().lastMessage()));
            }
        }
        long frames = Math.min(MINUTES, now - startedMinute + 1);
        double scale = (double) MINUTES / Math.max(1, frames);
        return new Hourly(Math.round(ok * scale), Math.round(errored * scale), errors, perMinute);
    }

    private Minute current() {
        long now = clock.getAsLong() / 60_000;
        Minute m = minutes[(int) (now % MINUTES)];
        if (m.minute != now) {
            m.minute = now;
            m.ok = 0;
            m.errored = 0;
            m.pending = 0;
            m.errors.clear();
        }
        return m;
    }
}
