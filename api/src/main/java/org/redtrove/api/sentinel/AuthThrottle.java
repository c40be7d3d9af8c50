package org.redtrove.api.sentinel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wrong passwords per client address: after {@code limit} in a minute, AUTH from that address is
 * refused unchecked until the oldest failure is a minute old, so the endpoint cannot be used to
 * guess a set's password at network speed. A right password does not clear the count: one
 * tenant's own password must not buy guesses at another's.
 */
final class AuthThrottle {

    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int limit;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    AuthThrottle(int limit) {
        this.limit = limit;
    }

    /** Seconds until this address may try again; 0 when it may now. */
    long retryAfterSeconds(String address) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            long now = System.nanoTime();
            while (!times.isEmpty() && now - times.peekFirst() > WINDOW_NANOS) {
                times.pollFirst();
            }
            if (times.size() < limit) {
                return 0;
            }
            return Math.max(1, (WINDOW_NANOS - (now - times.peekFirst())) / 1_000_000_000L);
        }
    }

    /** Counts a wrong password; answers how many this address had in the last minute. */
    int failed(String address) {
        if (failures.size() > 100_000) {
            failures.clear(); // a flood of addresses: forget rather than grow without bound
        }
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(System.nanoTime());
            return times.size();
        }
    }
}
