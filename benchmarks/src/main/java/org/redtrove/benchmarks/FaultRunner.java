package org.redtrove.benchmarks;

import java.time.Duration;
import org.redtrove.benchmarks.FailoverTarget.FaultKind;
import org.redtrove.benchmarks.FailoverTarget.Master;
import redis.clients.jedis.Jedis;

/**
 * Inflicts one fault on a set's master under a steady write load and measures what a client sees:
 * the time from the fault to its first write acknowledged by a new master, the acknowledged writes
 * the final master lacks, how many failovers the one fault caused, and how many writes the old
 * master accepted after the fault (written to directly, as a client that missed the change would).
 */
final class FaultRunner {

    /** What one fault did. {@code firstWriteMillis} is -1 when no new master took a write in time. */
    record FaultRun(FaultKind fault, double firstWriteMillis, long acked, long lost, long failovers,
                    int newMasters, long oldMasterWrites) {
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
        try (FollowingWriter writer = new FollowingWriter(key, target::candidates)) {
            writer.awaitAcks(200, 30_000);
            switch (fault) {
                case KILL -> signal("KILL", old.pid());
                case STOP -> signal("STOP", old.pid());
                case HOST_LOST -> target.loseHost(old);
            }
            // The fault is counted from when it is complete (kill(1) has returned): until then the
            // master still serves, and a write it takes meanwhile is no write after the fault.
            long faultAt = System.nanoTime();
            FollowingWriter.Ack first = writer.awaitFirstAckElsewhere(faultAt, oldPort, failoverTimeout.toMillis());
            double firstMillis = first == null ? -1 : (first.atNanos() - faultAt) / 1e6;
            if (fault == FaultKind.STOP) {
                signal("CONT", old.pid());
            } else {
                target.bringBack(fault, old);
            }
            long oldWrites = target.oldMasterReturns(fault) ? writesAcceptedUntilReplica(old.endpoint(), key) : 0;
            target.awaitSettled(old);
            Thread.sleep(SECOND_FAILOVER_WINDOW.toMillis());
            writer.close();
            long lost = writer.lost(target.master().endpoint());
            long failovers = target.epoch() - epoch;
            oldWrites += writer.acksOn(oldPort, faultAt);
            return new FaultRun(fault, firstMillis, writer.ackedCount(), lost, failovers,
                    writer.newMastersSince(faultAt, oldPort).size(), oldWrites);
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
            writer.awaitAcks(200, 30_000);
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
            return new StallRun(stalls, falseFailovers, writer.ackedCount(), writer.lost(target.master().endpoint()));
        }
    }

    static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
