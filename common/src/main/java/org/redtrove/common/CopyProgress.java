package org.redtrove.common;

import java.util.Map;

/**
 * Where a copy stands, as the agent running it reports it. Figures count keys, across every run of
 * the copy (they are kept with its marker on the target).
 *
 * @param state   RUNNING; RETRYING (a connection failed: it resumes when asked again); SUCCEEDED;
 *                FAILED (nothing more will be done: {@code error} says why)
 * @param total   the source database's size when the run started (for an ETA)
 * @param scanned keys read from the source so far
 * @param filtered keys the filters kept out (a stream none of whose entries passed, say)
 * @param errors  per-key refusals by the target (a payload of a newer Redis, say), by message
 */
public record CopyProgress(String state, long total, long scanned, long copied, long skipped, long failed,
                           long filtered, long elapsedMillis, Map<String, Long> errors, String error) {

    /** The key of a COPY job's progress document that holds its latest figures. */
    public static final String PROGRESS_KEY = "copy";

    public static final String RUNNING = "RUNNING";
    public static final String RETRYING = "RETRYING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    public CopyProgress {
        errors = errors == null ? Map.of() : Map.copyOf(errors);
    }

    public boolean finished() {
        return SUCCEEDED.equals(state) || FAILED.equals(state);
    }
}
