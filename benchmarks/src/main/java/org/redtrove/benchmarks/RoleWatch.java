package org.redtrove.benchmarks;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * The moment of a switch as the servers themselves tell it: asks every member but the old master
 * for its role every {@value #EVERY_MILLIS} ms and notes when the first of them answers master.
 * It asks with INFO replication, with the tenant's password: a RedTrove tenant may not run ROLE
 * (it is in -@admin).
 * A client's lag is counted from here, not from a system's announcement: for Sentinel the
 * announcement ({@code +switch-master}) comes well after the replica was promoted, and writes the
 * old master takes in between are the ones a demoted master loses.
 *
 * <p>The moment noted is the reply's, so it is at most {@value #EVERY_MILLIS} ms plus a round trip
 * late; writes the old master took within that margin are still caught, as writes the final master
 * lacks ({@link SentinelClientWriter.Figures#demotedMasterWrites}).
 */
final class RoleWatch implements AutoCloseable {

    private static final long EVERY_MILLIS = 5;
    /** A stopped or lost member must not hold up the others' answers. */
    private static final int TIMEOUT_MILLIS = 100;

    private final List<FollowingWriter.Endpoint> watched = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long masterAt = -1;

    RoleWatch(List<FollowingWriter.Endpoint> members, int oldPort) {
        members.stream().filter(m -> m.port() != oldPort).forEach(watched::add);
        this.thread = new Thread(this::run, "role-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Jedis[] connections = new Jedis[watched.size()];
        try {
            while (running && masterAt < 0) {
                for (int i = 0; i < watched.size() && masterAt < 0; i++) {
                    try {
                        if (connections[i] == null) {
                            connections[i] = FollowingWriter.connect(watched.get(i), TIMEOUT_MILLIS);
                        }
                        if (connections[i].info("replication").contains("role:master")) {
                            masterAt = System.nanoTime();
                        }
                    } catch (RuntimeException e) {
                        // down, or its connections were closed at the switch: connect again next round
                        close(connections[i]);
                        connections[i] = null;
                    }
                }
                Thread.sleep(EVERY_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Jedis j : connections) {
                close(j);
            }
        }
    }

    /** When a member other than the old master first said role:master ({@link System#nanoTime}); -1: not yet. */
    long masterAt() {
        return masterAt;
    }

    private static void close(Jedis j) {
        if (j != null) {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(2_000);
    }
}
