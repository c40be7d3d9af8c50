package org.redtrove.guestagent.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.redtrove.common.ReplicationInfo;

/**
 * Keeps each instance's lastAnswered precise to one liveness interval, so the taskmanager can tell a
 * 500 ms stall from a dead master: every interval, a PING on a persistent connection as the agent.
 * Each replica's agent also PINGs the replica's master as the replica logs in to it, which is how a
 * replica confirms that its master is gone rather than merely cut off from the taskmanager.
 *
 * <p>A PING still waiting is never sent again nor queued behind: its silence is the measurement. All
 * PINGs go through one {@link PingLoop}, non-blocking, so a hung Redis delays no other instance's
 * turn; the clock thread itself never talks to Redis, and only a self-fence change, which does,
 * takes a thread of its own.
 */
final class LivenessPingers implements AutoCloseable {

    private final Duration interval;
    private final Duration unresponsiveAfter;
    private final Duration selfFenceAfter;
    private final Map<UUID, Watch> watched = new ConcurrentHashMap<>();
    private final ScheduledExecutorService clock;
    private final PingLoop loop = new PingLoop("redis-ping");
    private final ExecutorService fenceChanges;

    LivenessPingers(Duration interval, Duration unresponsiveAfter, Duration selfFenceAfter) {
        this.interval = interval;
        this.unresponsiveAfter = unresponsiveAfter;
        this.selfFenceAfter = selfFenceAfter;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "redis-liveness"));
        this.fenceChanges = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "redis-fence"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void start() {
        long millis = Math.max(1, interval.toMillis());
        clock.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    void watch(ManagedInstance instance) {
        watched.put(instance.id(), new Watch(instance));
    }

    void forget(UUID id) {
        Watch w = watched.remove(id);
        if (w != null) {
            w.own.close();
            w.master.close();
            w.replicas.values().forEach(PingLoop.Conn::close);
        }
    }

    private void tick() {
        Instant now = Instant.now();
        for (Watch w : watched.values()) {
            try {
                w.tick(now);
            } catch (RuntimeException e) {
                // one instance's trouble must not stop the clock for the others
            }
        }
        loop.flush();
    }

    @Override
    public void close() {
        clock.shutdownNow();
        watched.keySet().forEach(this::forget);
        loop.close();
        fenceChanges.shutdownNow();
    }

    /**
     * The links of one instance: to itself; while it is a replica, to its master; while it is a
     * fenced master, to each of its replicas, for its {@link SelfFence}.
     */
    private final class Watch {
        final ManagedInstance instance;
        final PingLoop.Conn own = loop.connection();
        final PingLoop.Conn master = loop.connection();
        final Map<String, PingLoop.Conn> replicas = new ConcurrentHashMap<>();
        final SelfFence fence;

        Watch(ManagedInstance instance) {
            this.instance = instance;
            this.fence = new SelfFence(instance, selfFenceAfter);
        }

        void tick(Instant now) {
            instance.checkSilence(now, unresponsiveAfter);
            if (instance.pid() != null) {
                own.ping(instance.endpoint(), answer -> instance.pinged(answer, Instant.now()));
            } else {
                own.close();
            }
            RedisEndpoint target = instance.masterEndpoint();
            if (target == null) {
                master.close();
            } else {
                // Any reply, even an error, is a live master: whether replication works is
                // master_link_status's business, not this one's.
                master.ping(target, answer -> instance.masterPinged(target,
                        answer != Probe.Answer.NO_ANSWER, System.currentTimeMillis()));
            }
            pingReplicas();
        }

        /** No credentials: the replica's NOAUTH is as good an answer as its PONG. */
        private void pingReplicas() {
            long nowMillis = System.currentTimeMillis();
            Set<String> listed = new HashSet<>();
            for (ReplicationInfo.ReplicaLink r : fence.replicasToPing(nowMillis)) {
                String key = r.ip() + ":" + r.port();
                listed.add(key);
                boolean sent = replicas.computeIfAbsent(key, k -> loop.connection()).ping(
                        new RedisEndpoint(r.ip(), r.port(), null, null, unresponsiveAfter), answer -> {
                            if (answer != Probe.Answer.NO_ANSWER) {
                                fence.answered();
                            }
                        });
                if (sent) {
                    fence.asked(nowMillis);
                }
            }
            replicas.entrySet().removeIf(e -> {
                boolean gone = !listed.contains(e.getKey());
                if (gone) {
                    e.getValue().close();
                }
                return gone;
            });
            Runnable change = fence.due(nowMillis);
            if (change != null) {
                try {
                    fenceChanges.execute(change);
                } catch (RejectedExecutionException e) {
                    // shutting down
                }
            }
        }
    }
}
