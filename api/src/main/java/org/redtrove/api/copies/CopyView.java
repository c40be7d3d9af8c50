package org.redtrove.api.copies;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.UUID;

/**
 * A copy as {@code GET /copies/{id}} shows it: the job's state, what it copies (sides by name or
 * URL, never a password), and its figures so far. {@code summary} is the line the client prints
 * last; rates and the ETA come from the figures the job last recorded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CopyView(UUID id, String state, String source, String target, Map<String, Object> filters,
                Progress progress, Map<String, Long> errors, String error, String summary, String created,
                String updated, String finished) {

    record Progress(long total, long scanned, long copied, long skipped, long failed, long filtered,
                    @JsonProperty("elapsed_s") double elapsedSeconds,
                    @JsonProperty("keys_per_second") double keysPerSecond,
                    @JsonProperty("eta_s") Double etaSeconds) {
    }

    static String summary(Progress p) {
        return String.format(java.util.Locale.ROOT, "Copied %d keys (skipped %d, failed %d) in %.1f s", p.copied(),
                p.skipped(), p.failed(), p.elapsedSeconds());
    }
}
