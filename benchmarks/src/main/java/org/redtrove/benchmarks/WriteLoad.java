package org.redtrove.benchmarks;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * A steady stream of acknowledged writes to whichever member is master. It records the longest gap
 * between two acknowledged writes (the write unavailability a client sees) and, afterwards, which
 * acknowledged writes the final master lacks.
 */
final class WriteLoad implements AutoCloseable {

    record Member(String host, int port, String password) {
    }

    private final List<Member> members;
    private final BitSet acked = new BitSet();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long maxGapNanos;
    private long next;

    WriteLoad(List<Member> members) {
        this.members = List.copyOf(members);
        this.thread = new Thread(this::run, "write-load");
        thread.start();
    }

    /** Starts a new measurement window: the longest gap is tracked from now on. */
    void openWindow() {
        maxGapNanos = 0;
        windowStart = System.nanoTime();
    }

    double maxGapMillis() {
        return maxGapNanos / 1e6;
    }

    private void run() {
        Jedis conn = null;
        long lastAck = System.nanoTime();
        while (running) {
            try {
                if (conn == null) {
                    conn = connectToMaster();
                    if (conn == null) {
                        Thread.sleep(1);
                        continue;
                    }
                }
                long n = next;
                conn.set("bench:w:" + n, Long.toString(n));
                long now = System.nanoTime();
                synchronized (acked) {
                    acked.set((int) n);
                }
                if (lastAck >= windowStart) {
                    maxGapNanos = Math.max(maxGapNanos, now - lastAck);
                } else if (now >= windowStart) {
                    maxGapNanos = Math.max(maxGapNanos, now - windowStart);
                }
                lastAck = now;
                next++;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // READONLY after a switch, or a dropped connection: find the master and retry the same write.
                if (conn != null) {
                    try {
                        conn.close();
                    } catch (RuntimeException ignored) {
                        // already broken
                    }
                }
                conn = null;
            }
        }
        if (conn != null) {
            conn.close();
        }
    }

    private Jedis connectToMaster() {
        for (Member m : members) {
            Jedis j = new Jedis(new HostAndPort(m.host(), m.port()), DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(200).socketTimeoutMillis(10_000).password(m.password()).build());
            try {
                if ("master".equals(String.valueOf(j.role().get(0)))) {
                    return j;
                }
            } catch (RuntimeException ignored) {
                // not reachable, try the next
            }
            j.close();
        }
        return null;
    }

    /** Acknowledged writes missing on {@code master}. */
    long lost(Jedis master) {
        List<Integer> keys = new ArrayList<>();
        synchronized (acked) {
            acked.stream().forEach(keys::add);
        }
        long missing = 0;
        for (int from = 0; from < keys.size(); from += 10_000) {
            Pipeline p = master.pipelined();
            List<Response<Boolean>> exists = new ArrayList<>();
            for (int k : keys.subList(from, Math.min(keys.size(), from + 10_000))) {
                exists.add(p.exists("bench:w:" + k));
            }
            p.sync();
            missing += exists.stream().filter(r -> !r.get()).count();
        }
        return missing;
    }

    long ackedCount() {
        synchronized (acked) {
            return acked.cardinality();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(15_000);
    }
}
