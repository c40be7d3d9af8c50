package org.redtrove.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A client writing sequence numbers to whichever server is master, one command at a time
 * ({@code RPUSH key n}), as an application would: it asks its locator for candidates, writes to
 * the first that says it is a master, and on any error (READONLY, NOREPLICAS, a reset or a 500 ms
 * timeout) asks again. Every acknowledged write is recorded with when and where it was acknowledged.
 */
final class FollowingWriter implements AutoCloseable {

    /** A Redis server a client can write to. */
    record Endpoint(int port, String password) {
    }

    private static final int SOCKET_TIMEOUT_MILLIS = 500;
    /**
     * How long asking a candidate for its role may take. A stopped server accepts the connection
     * and never answers: with the write timeout here, each pass over the candidates would wait
     * 500 ms on it and round every figure up to that.
     */
    private static final int PROBE_TIMEOUT_MILLIS = 100;

    private final String key;
    private final IntFunction<List<Endpoint>> locator;
    private final AckLog acks = new AckLog();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param locator candidates for master, given the port whose write just failed (to try it last) */
    FollowingWriter(String key, IntFunction<List<Endpoint>> locator) {
        this.key = key;
        this.locator = locator;
        this.thread = new Thread(this::run, "following-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Jedis conn = null;
        int port = -1;
        int failed = -1;
        for (long n = 0; running; n++) {
            try {
                if (conn == null) {
                    Endpoint master = findMaster(failed);
                    if (master == null) {
                        Thread.sleep(1);
                        continue;
                    }
                    conn = connect(master);
                    port = master.port();
                }
                long sent = System.nanoTime();
                conn.rpush(key, Long.toString(n));
                long at = System.nanoTime();
                acks.add(new AckLog.Ack(n, sent, at, port));
                failed = -1;
                Thread.sleep(1); // about 800 writes a second: a steady load that 1 ms resolution measures
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                closeQuietly(conn);
                conn = null;
                failed = port;
            }
        }
        closeQuietly(conn);
    }

    private Endpoint findMaster(int failed) {
        List<Endpoint> candidates = new ArrayList<>(locator.apply(failed));
        // The server that just failed goes last: a fenced old master may still call itself master.
        candidates.sort((a, b) -> Boolean.compare(a.port() == failed, b.port() == failed));
        for (Endpoint e : candidates) {
            try (Jedis j = connect(e, PROBE_TIMEOUT_MILLIS)) {
                if (j.info("replication").contains("role:master")) {
                    return e;
                }
            } catch (RuntimeException unreachable) {
                // down, stopped or still loading: try the next
            }
        }
        return null;
    }

    static Jedis connect(Endpoint e) {
        return connect(e, SOCKET_TIMEOUT_MILLIS);
    }

    static Jedis connect(Endpoint e, int timeoutMillis) {
        return new Jedis(new HostAndPort("127.0.0.1", e.port()), DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis).socketTimeoutMillis(timeoutMillis).password(e.password())
                .build());
    }

    private static void closeQuietly(Jedis j) {
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    /** What it got acknowledged, and by which server. */
    AckLog acks() {
        return acks;
    }

    /** Acknowledged writes that the list on {@code master} lacks. */
    long lost(Endpoint master) {
        return acks.missingFrom(AckLog.stored(master, key));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
