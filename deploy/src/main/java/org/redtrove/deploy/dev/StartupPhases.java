package org.redtrove.deploy.dev;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * How long each part of a dev-mode start took, in the order the parts ended. Parts that start
 * together (the database and the broker; the three services) overlap, so the parts add up to more
 * than the whole. Printed by {@code redtrove dev} and read by the benchmark's start-up figures.
 */
public final class StartupPhases {

    private final Map<String, Double> seconds = new LinkedHashMap<>();

    /** Runs one part and records how long it took, also when it fails. */
    <T> T time(String part, Callable<T> work) throws Exception {
        long began = System.nanoTime();
        try {
            return work.call();
        } finally {
            record(part, (System.nanoTime() - began) / 1e9);
        }
    }

    synchronized void record(String part, double partSeconds) {
        seconds.put(part, partSeconds);
    }

    /** The parts so far, in seconds. */
    public synchronized Map<String, Double> seconds() {
        return new LinkedHashMap<>(seconds);
    }

    /** Seconds from the JVM's start to the first line of {@code main}: what no code of ours can shorten. */
    public static double jvmSecondsBeforeMain(long mainNanos) {
        long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        return Math.max(0, uptimeMillis / 1e3 - (System.nanoTime() - mainNanos) / 1e9);
    }

    /** {@code database 0.9 s, broker 0.7 s, ...}. */
    @Override
    public synchronized String toString() {
        return seconds.entrySet().stream().map(e -> String.format("%s %.1f s", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
