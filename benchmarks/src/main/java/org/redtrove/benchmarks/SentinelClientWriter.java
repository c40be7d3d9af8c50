package org.redtrove.benchmarks;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A client that finds the master the way most Java applications on Sentinel do: Jedis 8.0.2's
 * {@link JedisSentinelPool}, given the master name, the sentinels and one password for both the
 * sentinels and the data nodes (RedTrove's endpoint takes the set's password). It moves only when
 * the pool does: on a {@code +switch-master} from a sentinel, or when its listener reconnects. It
 * writes sequence numbers one at a time, about 1 ms apart, like {@link FollowingWriter}, and on any
 * error tries again with whatever connection the pool hands out next.
 *
 * <p>Each write records the server that acknowledged it: the peer of the connection's socket, also
 * written into the value ({@code n@host:port}). Not the pool's {@code getHostAndPort()}: every
 * connection of a JedisSentinelPool shares one socket factory, so after a switch even a connection
 * still open to the old master answers the new master's address (and passes the pool's own check).
 */
final class SentinelClientWriter implements AutoCloseable {

    /** Where a Sentinel-aware client is told to look: the master name, the sentinels, the password. */
    record Discovery(String masterName, Set<HostAndPort> sentinels, String password) {
    }

    /**
     * What this client saw of one fault or switchover, counted from {@code start} (the fault, or
     * the promote request) to the end of the run.
     *
     * @param firstWriteMillis     start → its first write acknowledged by another server than the
     *                             old master; -1 when none was
     * @param afterSwitchMillis    the moment another member first answered as master → that
     *                             first write: how long the client lagged behind the new master;
     *                             null when either did not happen
     * @param longestGapMillis     the longest time without an acknowledged write, start to end
     * @param demotedMasterWrites  writes the old master's socket acknowledged after start that came
     *                             after another member answered as master, or that the final master
     *                             lacks: writes taken by a node that was no longer the master
     * @param poolMaster           the master the pool itself named at the end (its factory's address)
     * @param errors               the failed attempts over the whole run, by Redis error (READONLY…) or
     *                             by exception: why a client that did not follow did not
     */
    record Figures(double firstWriteMillis, Double afterSwitchMillis, double longestGapMillis, long acked,
                   long lost, long demotedMasterWrites, String poolMaster, Map<String, Long> errors) {
    }

    /**
     * How long a run waits for the pool to follow once the system has switched, before it counts
     * it as never following: longer than Jedis's 5 s wait before it subscribes again to a sentinel
     * it lost, and than Sentinel's ~10 s before it converts an old master (closing its clients).
     * A pool still on the old master after that stays there.
     */
    static final Duration FOLLOW_TIMEOUT = Duration.ofSeconds(15);
    /** As FollowingWriter's writes: a stopped master costs a client this much per attempt. */
    private static final int SOCKET_TIMEOUT_MILLIS = 500;
    private static final Duration POOL_START = Duration.ofSeconds(30);

    private final String key;
    private final JedisSentinelPool pool;
    private final AckLog acks = new AckLog();
    private final Map<String, Long> errors = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean closed;
    private String poolMaster;

    private SentinelClientWriter(String key, JedisSentinelPool pool) {
        this.key = key;
        this.pool = pool;
        this.thread = new Thread(this::run, "sentinel-client-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Opens the pool and starts writing. The pool needs a master at once; right after a previous
     * run's switch a RedTrove endpoint may name none yet (it announces a master only once it
     * answers as one), so opening is tried again for a while.
     */
    static SentinelClientWriter start(Discovery discovery, String key) throws InterruptedException {
        JedisClientConfig master = DefaultJedisClientConfig.builder().password(discovery.password())
                .connectionTimeoutMillis(SOCKET_TIMEOUT_MILLIS).socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS).build();
        JedisClientConfig sentinel = DefaultJedisClientConfig.builder().password(discovery.password()).build();
        long deadline = System.nanoTime() + POOL_START.toNanos();
        while (true) {
            try {
                return new SentinelClientWriter(key, new JedisSentinelPool(discovery.masterName(),
                        new LinkedHashSet<>(discovery.sentinels()), master, sentinel));
            } catch (JedisException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no JedisSentinelPool for " + discovery.masterName() + " at "
                            + discovery.sentinels() + ": " + e.getMessage(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private void run() {
        for (long n = 0; running; n++) {
            try (Jedis j = pool.getResource()) {
                HostAndPort server = peer(j);
                long sent = System.nanoTime();
                j.rpush(key, n + "@" + server);
                acks.add(new AckLog.Ack(n, sent, System.nanoTime(), server.getPort()));
            } catch (JedisException e) {
                // READONLY from a demoted master, a reset, a timeout, no master yet: the pool decides
                // where the next attempt goes (a broken connection is not given out again).
                count(e);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void count(JedisException e) {
        String kind = e instanceof JedisDataException && e.getMessage() != null
                ? e.getMessage().split(" ", 2)[0] : e.getClass().getSimpleName();
        synchronized (errors) {
            errors.merge(kind, 1L, Long::sum);
        }
    }

    /** The server at the other end of this connection's socket ("…, L:/a:p - R:/b:q}"). */
    private static HostAndPort peer(Jedis j) {
        String identity = j.getConnection().toIdentityString();
        int r = identity.indexOf("R:");
        int end = identity.lastIndexOf('}');
        if (r < 0 || end < r) {
            throw new IllegalStateException("cannot tell where this connection goes: " + identity);
        }
        String address = identity.substring(r + 2, end);
        String hostPart = address.substring(address.indexOf('/') + 1, address.lastIndexOf(':'));
        return new HostAndPort(hostPart, Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
    }

    AckLog acks() {
        return acks;
    }

    /**
     * The figures of one run, once the writer is closed: {@code start} is the fault or the request,
     * {@code switchedAt} when another member first answered as master (-1: never), {@code end}
     * the end of the run; the final master is where the acknowledged writes must be.
     */
    Figures figures(FollowingWriter.Endpoint finalMaster, int oldPort, long start, long switchedAt, long end) {
        Set<Long> stored = AckLog.stored(finalMaster, key);
        List<AckLog.Ack> all = acks.snapshot();
        long demoted = all.stream().filter(a -> a.port() == oldPort && a.atNanos() > start)
                .filter(a -> (switchedAt >= 0 && a.atNanos() > switchedAt) || !stored.contains(a.n())).count();
        AckLog.Ack first = acks.firstElsewhere(start, oldPort);
        double firstMillis = first == null ? -1 : (first.atNanos() - start) / 1e6;
        Double afterSwitch = first == null || switchedAt < 0 ? null : (first.atNanos() - switchedAt) / 1e6;
        Map<String, Long> failed;
        synchronized (errors) {
            failed = Map.copyOf(errors);
        }
        return new Figures(firstMillis, afterSwitch, acks.longestGapMillis(start, end), all.size(),
                acks.missingFrom(stored), demoted, poolMaster, new TreeMap<>(failed));
    }

    /** Stops writing and closes the pool; again is a no-op (figures are read after it). */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        thread.join(5_000);
        poolMaster = String.valueOf(pool.getCurrentHostMaster());
        pool.close();
    }
}
