package org.redtrove.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the benchmark tells while it runs: its plan with an estimate before it starts, each phase
 * as it starts and ends, and progress lines inside the long ones, at most every few seconds.
 */
final class Progress {

    private static final long EVERY_NANOS = 3_000_000_000L;
    private static final long BEGAN = System.nanoTime();

    /** One part of the plan and what it is expected to take. */
    record Planned(String part, double seconds) {
    }

    private Progress() {
    }

    static void plan(List<Planned> parts) {
        double total = parts.stream().mapToDouble(Planned::seconds).sum();
        System.out.println("Plan: " + parts.stream().map(p -> p.part() + " ~" + duration(p.seconds()))
                .collect(Collectors.joining(", ")) + "; about " + duration(total)
                + " in all (estimated from earlier runs on 2 cores).");
    }

    /** A phase: printed as it starts and, with its duration, as it ends (or fails). */
    static Phase phase(String name) {
        return new Phase(name);
    }

    static void line(String format, Object... args) {
        System.out.printf(Locale.ROOT, "   [%s] %s%n", clock(), String.format(Locale.ROOT, format, args));
    }

    /**
     * Progress lines of a long wait: {@link #maybe} prints one at once, then again each time a few
     * seconds have passed; the line is made only then, so a line that costs a round trip to make
     * costs nothing between two.
     */
    static Ticker ticker() {
        return new Ticker();
    }

    static final class Ticker {
        private long last;
        private boolean first = true;

        boolean due() {
            long now = System.nanoTime();
            if (!first && now - last < EVERY_NANOS) {
                return false;
            }
            first = false;
            last = now;
            return true;
        }

        void maybe(java.util.function.Supplier<String> text) {
            if (due()) {
                line("%s", text.get());
            }
        }
    }

    static final class Phase implements AutoCloseable {
        private final String name;
        private final long began = System.nanoTime();

        private Phase(String name) {
            this.name = name;
            System.out.printf(Locale.ROOT, "== [%s] %s ...%n", clock(), name);
        }

        @Override
        public void close() {
            System.out.printf(Locale.ROOT, "== [%s] %s: done in %s%n", clock(), name,
                    duration((System.nanoTime() - began) / 1e9));
        }
    }

    private static String clock() {
        long s = (System.nanoTime() - BEGAN) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String duration(double seconds) {
        if (seconds < 90) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
}
