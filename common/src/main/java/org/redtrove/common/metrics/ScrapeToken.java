package org.redtrove.common.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may read a process's metrics: Prometheus showing the installation's scrape token
 * (redtrove.metrics.token, REDTROVE_METRICS_TOKEN) as {@code Authorization: Bearer ...}, which is
 * what its {@code authorization} scrape setting sends. Metrics carry no secret, but they tell
 * which instances exist and how busy each is, so nobody reads them without the token.
 */
public final class ScrapeToken {

    private final byte[] expected;

    private ScrapeToken(byte[] expected) {
        this.expected = expected;
    }

    /** @param token the configured token; null or blank admits no one */
    public static ScrapeToken of(String token) {
        return new ScrapeToken(token == null || token.isBlank() ? null : token.trim().getBytes(StandardCharsets.UTF_8));
    }

    public boolean configured() {
        return expected != null;
    }

    /** Whether an Authorization header shows this token; compared in constant time. */
    public boolean admits(String authorization) {
        if (expected == null || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] shown = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, shown);
    }
}
