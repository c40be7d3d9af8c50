package org.redtrove.benchmarks;

import java.util.Collection;
import java.util.List;

/**
 * A figure over runs: how many, and p50, p99 and the largest, by nearest rank (so with fewer than
 * 100 runs p99 is the largest), in milliseconds to 0.1. {@code n} is 0 when nothing was measured,
 * and then the figures are -1.
 */
record Distribution(int n, double p50Millis, double p99Millis, double maxMillis) {

    static Distribution of(Collection<Double> millis) {
        List<Double> sorted = millis.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return new Distribution(0, -1, -1, -1);
        }
        return new Distribution(sorted.size(), rank(sorted, 50), rank(sorted, 99), rank(sorted, 100));
    }

    private static double rank(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return Math.round(sorted.get(Math.max(0, rank - 1)) * 10) / 10.0;
    }

    boolean empty() {
        return n == 0;
    }

    /** "p50 / p99 / max s", for figures of about a second and more. */
    String seconds() {
        return String.format("%.2f / %.2f / %.2f s", p50Millis / 1000, p99Millis / 1000, maxMillis / 1000);
    }

    /** "p50 / p99 / max ms", for figures well under a second. */
    String millis() {
        return String.format("%.1f / %.1f / %.1f ms", p50Millis, p99Millis, maxMillis);
    }
}
