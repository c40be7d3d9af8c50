package org.redtrove.benchmarks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.Jedis;

/**
 * The writes one client got acknowledged, in the order it got them: each write's sequence number,
 * when it was sent and acknowledged ({@link System#nanoTime}), and the port of the server whose
 * socket acknowledged it. Every figure a fault or a switchover is judged by is a question to this
 * record, asked the same way whichever client wrote it.
 */
final class AckLog {

    /** An acknowledged write. */
    record Ack(long n, long sentNanos, long atNanos, int port) {
    }

    private final List<Ack> acks = new ArrayList<>();

    /** Called by the writing thread, once per acknowledged write, in order. */
    void add(Ack ack) {
        synchronized (acks) {
            acks.add(ack);
        }
    }

    List<Ack> snapshot() {
        synchronized (acks) {
            return new ArrayList<>(acks);
        }
    }

    long count() {
        synchronized (acks) {
            return acks.size();
        }
    }

    void awaitCount(int n, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (count() < n) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the writer got only " + count() + " writes acknowledged");
            }
            Thread.sleep(10);
        }
    }

    /** The first write acknowledged after {@code since} by another server than {@code oldPort}, or null. */
    Ack firstElsewhere(long since, int oldPort) {
        for (Ack a : snapshot()) {
            if (a.atNanos() > since && a.port() != oldPort) {
                return a;
            }
        }
        return null;
    }

    /** {@link #firstElsewhere}, waiting up to {@code timeoutMillis} for it; null when none came. */
    Ack awaitFirstElsewhere(long since, int oldPort, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            Ack a = firstElsewhere(since, oldPort);
            if (a != null) {
                return a;
            }
            Thread.sleep(5);
        }
        return null;
    }

    /** Writes sent after {@code since} that {@code port} acknowledged. */
    long sentAfterAndAckedBy(long since, int port) {
        return snapshot().stream().filter(a -> a.port() == port && a.sentNanos() > since).count();
    }

    /** The servers that acknowledged writes after {@code since}, besides {@code oldPort}. */
    Set<Integer> portsSince(long since, int oldPort) {
        Set<Integer> ports = new HashSet<>();
        snapshot().stream().filter(a -> a.atNanos() > since && a.port() != oldPort).forEach(a -> ports.add(a.port()));
        return ports;
    }

    /** Acknowledged writes whose sequence number is not among {@code stored}. */
    long missingFrom(Set<Long> stored) {
        return snapshot().stream().filter(a -> !stored.contains(a.n())).count();
    }

    /**
     * The longest time in [{@code from}, {@code to}] without an acknowledged write: between two
     * acknowledgements, from {@code from} to the first, or from the last to {@code to}. What a
     * client sees of a switchover: how long it could not get a write done.
     */
    double longestGapMillis(long from, long to) {
        long last = from;
        long longest = 0;
        for (Ack a : snapshot()) {
            if (a.atNanos() <= from) {
                continue;
            }
            if (a.atNanos() > to) {
                break; // in order: the writer appends as it is acknowledged
            }
            longest = Math.max(longest, a.atNanos() - last);
            last = a.atNanos();
        }
        return Math.max(longest, to - last) / 1e6;
    }

    /**
     * The sequence numbers in the list {@code key} on {@code master}. A value is the number, or
     * the number and what the writer noted beside it ({@code n@host:port}).
     */
    static Set<Long> stored(FollowingWriter.Endpoint master, String key) {
        Set<Long> stored = new HashSet<>();
        try (Jedis j = FollowingWriter.connect(master)) {
            for (String value : j.lrange(key, 0, -1)) {
                int at = value.indexOf('@');
                stored.add(Long.parseLong(at < 0 ? value : value.substring(0, at)));
            }
        }
        return stored;
    }
}
