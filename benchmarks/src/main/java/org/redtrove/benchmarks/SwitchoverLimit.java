package org.redtrove.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.redtrove.embedded.PrivateFiles;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * The physical limit of a planned switchover, the floor any promote is compared with: two bare
 * redis-servers (master and replica, {@link RawRedis}), no API, no jobs, no broker, and the
 * shortest safe sequence done by hand over plain Jedis connections: CLIENT PAUSE WRITE on the
 * master, wait until the replica's offset equals the master's master_repl_offset, REPLICAOF NO ONE
 * on the replica, REPLICAOF on the old master towards it, CLIENT UNPAUSE. A {@link FollowingWriter}
 * writes all the while and is told the new master the moment it is promoted (a client that could
 * not know sooner), so its longest gap is the switchover's own cost, not any discovery's.
 */
final class SwitchoverLimit {

    /** Every run's longest gap between acknowledged writes, and the writes over all runs. */
    record Result(List<Double> longestGapsMillis, long acked, long lost) {
    }

    private static final String KEY = "bench:limit";
    /** Lifted by the sequence itself long before; only a crash of this program would need it. */
    private static final long PAUSE_TIMEOUT_MILLIS = 10_000;
    /** How long any step of a run (the catch-up, the writer finding the new master) may take. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private SwitchoverLimit() {
    }

    static Result measure(Path dir, int runs) throws Exception {
        String password = PrivateFiles.newSecret();
        try (RawRedis a = new RawRedis(dir.resolve("a"), password);
             RawRedis b = new RawRedis(dir.resolve("b"), password)) {
            try (Jedis replica = b.jedis()) {
                replica.replicaof("127.0.0.1", a.port);
            }
            AtomicReference<FollowingWriter.Endpoint> master = new AtomicReference<>(endpoint(a));
            List<Double> gaps = new ArrayList<>();
            RawRedis from = a;
            RawRedis to = b;
            try (FollowingWriter writer = new FollowingWriter(KEY, failed -> List.of(master.get()))) {
                writer.acks().awaitCount(200, 30_000);
                for (int i = 0; i < runs; i++) {
                    awaitInSync(from, to);
                    Thread.sleep(300); // a steady writer before the window opens
                    long start = System.nanoTime();
                    RawRedis promoted = to;
                    switchover(from, to, () -> master.set(endpoint(promoted)));
                    if (writer.acks().awaitFirstElsewhere(start, from.port, STEP_TIMEOUT.toMillis()) == null) {
                        throw new IllegalStateException("the writer never wrote to the promoted " + to.port);
                    }
                    Thread.sleep(100);
                    gaps.add(writer.acks().longestGapMillis(start, System.nanoTime()));
                    from = to;
                    to = from == a ? b : a;
                }
                writer.close();
                return new Result(gaps, writer.acks().count(), writer.lost(endpoint(from)));
            }
        }
    }

    /** The sequence, each step on its own connection's reply before the next. */
    private static void switchover(RawRedis master, RawRedis replica, Runnable promoted) {
        try (Jedis m = master.jedis(); Jedis r = replica.jedis()) {
            m.clientPause(PAUSE_TIMEOUT_MILLIS, ClientPauseMode.WRITE);
            long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            // Read both each time: the replica catches up on what the master took before the pause.
            while (offset(r, "slave_repl_offset") != offset(m, "master_repl_offset")) {
                if (System.nanoTime() > deadline) {
                    m.clientUnpause();
                    throw new IllegalStateException("the replica did not catch up with the paused master");
                }
            }
            r.replicaofNoOne();
            promoted.run();
            m.replicaof("127.0.0.1", replica.port);
            m.clientUnpause();
        }
    }

    /** Link up, no sync in progress, and the replica at the master's offset. */
    private static void awaitInSync(RawRedis master, RawRedis replica) throws InterruptedException {
        try (Jedis m = master.jedis(); Jedis r = replica.jedis()) {
            Benchmarks.awaitInSync(r, offset(m, "master_repl_offset"));
        }
    }

    private static long offset(Jedis j, String field) {
        return Long.parseLong(Benchmarks.info(j, "replication", field));
    }

    private static FollowingWriter.Endpoint endpoint(RawRedis redis) {
        return new FollowingWriter.Endpoint(redis.port, redis.password);
    }
}
