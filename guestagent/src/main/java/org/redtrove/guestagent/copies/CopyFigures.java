package org.redtrove.guestagent.copies;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.common.CopyProgress;

/**
 * A copy's figures as its marker on the target holds them: changed by the writer only after a page
 * was written, restored from the marker when a run resumes. The refusals by message are capped at
 * ten kinds, as a task's error codes are.
 */
final class CopyFigures {

    static final List<String> COUNTS = List.of("scanned", "copied", "skipped", "failed", "filtered", "elapsed_ms");
    private static final int MAX_ERROR_KINDS = 10;

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, Long> errors = new LinkedHashMap<>();
    private long total;
    private long runStartedNanos;
    private long lastPageNanos;

    CopyFigures() {
        COUNTS.forEach(c -> counts.put(c, 0L));
    }

    long get(String count) {
        return counts.get(count);
    }

    void set(String count, long value) {
        counts.put(count, value);
    }

    void add(String count, long delta) {
        counts.merge(count, delta, Long::sum);
    }

    long total() {
        return total;
    }

    void total(long total) {
        this.total = total;
    }

    Map<String, Long> errors() {
        return errors;
    }

    void refused(String message, long times) {
        if (errors.containsKey(message) || errors.size() < MAX_ERROR_KINDS) {
            errors.merge(message, times, Long::sum);
        }
    }

    void runStarted() {
        runStartedNanos = System.nanoTime();
        lastPageNanos = 0;
    }

    /** The copy's time so far once this page is written: earlier runs' plus this run's. */
    long elapsedAfterThisPage() {
        long now = System.nanoTime();
        long from = lastPageNanos == 0 ? runStartedNanos : lastPageNanos;
        lastPageNanos = now;
        return counts.get("elapsed_ms") + (now - from) / 1_000_000;
    }

    /** Takes a field of the marker an earlier run left; one that is not a figure is left alone. */
    void restore(String field, String value) {
        if (field.equals("total")) {
            total = Long.parseLong(value);
        } else if (field.startsWith("error:")) {
            errors.put(field.substring("error:".length()), Long.parseLong(value));
        } else if (counts.containsKey(field)) {
            counts.put(field, Long.parseLong(value));
        }
    }

    CopyProgress snapshot(String state, String error) {
        return new CopyProgress(state, total, get("scanned"), get("copied"), get("skipped"), get("failed"),
                get("filtered"), get("elapsed_ms"), errors, error);
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
