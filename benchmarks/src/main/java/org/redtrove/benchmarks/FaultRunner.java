package org.redtrove.benchmarks;

import java.time.Duration;
import org.redtrove.benchmarks.FailoverTarget.FaultKind;
import org.redtrove.benchmarks.FailoverTarget.Master;
import redis.clients.jedis.Jedis;

/**
 * Inflicts one fault on a set's master under a steady write load and measures what clients see.
 * Two clients write at once: {@link FollowingWriter}, which looks for the master itself (it asks
 * every member, or Sentinel, again after each failed write), and {@link SentinelClientWriter}, an
 * application's JedisSentinelPool that moves only when told. Measured: the time from the fault to
 * each one's first write acknowledged by a new master, the acknowledged writes the final master
 * lacks, how many failovers the one fault caused, how many writes the old master accepted after
 * the fault (written to directly, as a client that missed the change would), and when a member
 * first answered as the new master ({@link RoleWatch}), the switch the pool's lag is counted from.
 */
final class FaultRunner {

    /**
     * What one fault did. {@code firstWriteMillis} (FollowingWriter's) is -1 when no new master took
     * a write in time; {@code promotedMillis} is fault → another member answers as master, -1
     * when none did; {@code client} is what the JedisSentinelPool saw.
     */
    record FaultRun(FaultKind fault, double firstWriteMillis, long acked, long lost, long failovers,
                    int newMasters, long oldMasterWrites, double promotedMillis,
                    SentinelClientWriter.Figures client) {
    }

    /** What a stall run did: how many stalls, and the failovers and lost writes they caused. */
    record StallRun(int stalls, long falseFailovers, long acked, long lost) {
    }

    /** Longer than the benchmark's block period: a second failover for one fault would show. */
    private static final Duration SECOND_FAILOVER_WINDOW = Duration.ofMillis(2500);

    private final Duration failoverTimeout;

    FaultRunner(Duration failoverTimeout) {
        this.failoverTimeout = failoverTimeout;
    }

    FaultRun run(FailoverTarget target, FaultKind fault, String key) throws Exception {
        Master old = target.master();
        long epoch = target.epoch();
        int oldPort = old.endpoint().port();
        try (FollowingWriter writer = new FollowingWriter(key, target::candidates);
             SentinelClientWriter client = SentinelClientWriter.start(target.discovery(), key + ":pool");
             RoleWatch watch = new RoleWatch(target.members(), oldPort)) {
            writer.acks().awaitCount(200, 30_000);
            client.acks().awaitCount(200, 30_000);
            switch (fault) {
                case KILL -> signal("KILL", old.pid());
                case STOP -> signal("STOP", old.pid());
                case HOST_LOST -> target.loseHost(old);
            }
            // The fault is counted from when it is complete (kill(1) has returned): until then the
            // master still serves, and a write it takes meanwhile is no write after the fault.
            long faultAt = System.nanoTime();
            AckLog.Ack first = writer.acks().awaitFirstElsewhere(faultAt, oldPort, failoverTimeout.toMillis());
            double firstMillis = first == null ? -1 : (first.atNanos() - faultAt) / 1e6;
            if (first != null) {
                // Before the old master may come back (up to FOLLOW_TIMEOUT): a pool still on it then
                // would write to it because of when the benchmark resumed it, not of its own doing.
                client.acks().awaitFirstElsewhere(faultAt, oldPort, SentinelClientWriter.FOLLOW_TIMEOUT.toMillis());
            }
            if (fault == FaultKind.STOP) {
                signal("CONT", old.pid());
            } else {
                target.bringBack(fault, old);
            }
            long oldWrites = target.oldMasterReturns(fault) ? writesAcceptedUntilReplica(old.endpoint(), key) : 0;
            target.awaitSettled(old);
            Thread.sleep(SECOND_FAILOVER_WINDOW.toMillis());
            long end = System.nanoTime();
            writer.close();
            client.close();
            FollowingWriter.Endpoint finalMaster = target.master().endpoint();
            long lost = writer.lost(finalMaster);
            long failovers = target.epoch() - epoch;
            oldWrites += writer.acks().sentAfterAndAckedBy(faultAt, oldPort);
            long promotedAt = watch.masterAt();
            return new FaultRun(fault, firstMillis, writer.acks().count(), lost, failovers,
                    writer.acks().portsSince(faultAt, oldPort).size(), oldWrites,
                    promotedAt < 0 ? -1 : (promotedAt - faultAt) / 1e6,
                    client.figures(finalMaster, oldPort, faultAt, promotedAt, end));
        }
    }

    /**
     * Writes to the returning old master in a tight loop, with the tenant's password, until it
     * answers as a replica (READONLY) or 30 s pass; answers how many writes it acknowledged. Errors
     * other than READONLY (refused, LOADING, NOREPLICAS, timeouts) mean it is not back yet.
     */
    private static long writesAcceptedUntilReplica(FollowingWriter.Endpoint old, String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long accepted = 0;
        Jedis conn = null;
        while (System.nanoTime() < deadline) {
            try {
                if (conn == null) {
                    conn = FollowingWriter.connect(old);
                }
                conn.set(key + ":old-master", Long.toString(accepted));
                accepted++;
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).startsWith("READONLY")) {
                    break;
                }
                if (conn != null) {
                    conn.close();
                    conn = null;
                }
                Thread.sleep(1);
            }
        }
        if (conn != null) {
            conn.close();
        }
        return accepted;
    }

    /** Stops the master for {@code stallMillis} every {@code everyMillis}, under load, for {@code length}. */
    StallRun stall(FailoverTarget target, Duration length, long stallMillis, long everyMillis, String key)
            throws Exception {
        Master master = target.master();
        long epoch = target.epoch();
        int stalls = 0;
        try (FollowingWriter writer = new FollowingWriter(key, target::candidates)) {
            writer.acks().awaitCount(200, 30_000);
            long end = System.nanoTime() + length.toNanos();
            while (System.nanoTime() < end) {
                signal("STOP", master.pid());
                try {
                    Thread.sleep(stallMillis);
                } finally {
                    signal("CONT", master.pid());
                }
                stalls++;
                Thread.sleep(everyMillis - stallMillis);
            }
            Thread.sleep(SECOND_FAILOVER_WINDOW.toMillis());
            writer.close();
            long falseFailovers = target.epoch() - epoch;
            return new StallRun(stalls, falseFailovers, writer.acks().count(), writer.lost(target.master().endpoint()));
        }
    }

    /** Signals a process; one that is gone already (its agent replaced it) is left alone. */
    static void signal(String signal, long pid) throws Exception {
        if (ProcessHandle.of(pid).isPresent()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
        }
    }
}
