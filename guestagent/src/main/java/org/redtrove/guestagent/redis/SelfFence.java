package org.redtrove.guestagent.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redtrove.common.ReplicationInfo;
import org.slf4j.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import org.slf4j.LoggerFactory;

/**
 * A fenced master's own, faster fencing (DESIGN.md decision 12). Redis counts min-replicas-max-lag
 * in whole seconds and recounts once a second, so a master cut off from every replica keeps taking
 * writes for 1 to 3 s: past the 1 s after which the taskmanager may promote one of them. Its agent
 * therefore PINGs each replica the master lists (any reply, even NOAUTH, is a replica it can reach)
 * and, once a PING has gone unanswered by every one of them for {@code after}, raises
 * min-replicas-to-write out of reach, so the master refuses every write with NOREPLICAS at once. It
 * lowers it back to the set's fencing as soon as a replica answers, or when the instance stops being
 * a fenced master. A master that lists no replica at all is left to Redis, which refuses writes then.
 * The price is availability: a host so loaded that its replicas cannot answer for that long, while
 * the master answers, refuses writes for a moment too; when the master does not answer its agent
 * either, nothing is decided until it does.
 *
 * <p>Live only: the instance's file keeps the set's fencing, which a restarted Redis reads. The
 * decisions are made on the liveness clock's thread, and the Redis commands run on a thread of
 * their own, one at a time: while one runs, no decision is made, so the one that lifts the fence may decide.
 */
final class SelfFence {

    /** A min-replicas-to-write no master reaches: every write is refused. */
    static final int OUT_OF_REACH = Integer.MAX_VALUE;
    private static final Duration QUICK = Duration.ofMillis(200);
    private static final Logger log = LoggerFactory.getLogger(SelfFence.class);

    private final ManagedInstance instance;
    private final long afterMillis;
    /**
     * When the first PING to a replica that is still unanswered was sent, or 0 when the last one
     * sent was answered: silence counts from a question asked, so an agent that could not even
     * send (its own process starved of CPU) does not take that for its replicas' silence.
     */
    private volatile long unansweredSince;
    private volatile boolean watching;
    private volatile boolean fenced;
    /** Set when the fence is to be lowered, until Redis has taken the set's fencing back. */
    private volatile boolean lowering;
    /** While fenced: the replicas the master listed on the last tick. */
    private volatile List<ReplicationInfo.ReplicaLink> listedNow = List.of();
    /** One Redis command at a time: a hung Redis holds one, and the next waits for a later tick. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile long lastApplied;

    SelfFence(ManagedInstance instance, Duration after) {
        this.instance = instance;
        this.afterMillis = after.toMillis();
    }

    /**
     * The replicas to PING on this tick: those the master lists while it is a master with fencing
     * on; none otherwise (and the watch restarts, with a full period of grace, when it is one again).
     */
    List<ReplicationInfo.ReplicaLink> replicasToPing(long nowMillis) {
        ReplicationInfo info = instance.replicationInfo();
        boolean fencedMaster = afterMillis > 0 && info != null && !info.isReplica()
                && configured() > 0 && !instance.held();
        if (fencedMaster && !watching) {
            unansweredSince = 0;
        }
        watching = fencedMaster;
        if (!fencedMaster) {
            return List.of();
        }
        if (!fenced) {
            return info.replicas();
        }
        // The heartbeat probe's list may be a second old: a replica that connected since would
        // wait that long to lift the fence. While fenced, the list is read afresh on every tick.
        List<ReplicationInfo.ReplicaLink> both = new ArrayList<>(info.replicas());
        both.addAll(listedNow);
        return both;
    }

    /** A PING went out to a replica. */
    void asked(long nowMillis) {
        if (unansweredSince == 0) {
            unansweredSince = nowMillis;
        }
    }

    /** A replica answered a PING. */
    void answered() {
        unansweredSince = 0;
    }

    /**
     * What to change now, or null: raise the fence when no replica has answered for {@code after}
     * (again every second while cut off, in case a role change set the set's fencing meanwhile, and
     * on the ticks between, list the master's replicas afresh), lower it when one answers or the
     * watch ended (again on every tick until Redis has taken it).
     */
    Runnable due(long nowMillis) {
        if (busy.get()) {
            return null;
        }
        long since = unansweredSince;
        // The replicas' silence counts only once the master itself has answered its agent since the
        // question was asked: if it has not, the agent cannot tell a cut-off master from a host too
        // busy (or a JVM paused) to hear anyone, and a master that does not answer takes no write
        // either. It is fenced as soon as it answers while its replicas still do not.
        boolean cutOff = watching && since != 0 && nowMillis - since > afterMillis
                && instance.answeredSince(since);
        if (cutOff && fenced && nowMillis - lastApplied < 1000) {
            return once(this::listReplicas);
        }
        if (cutOff) {
            String why = fenced ? null : "no replica has answered its agent for " + (nowMillis - since)
                    + " ms: it refuses writes until one does";
            fenced = true;
            lowering = false;
            lastApplied = nowMillis;
            return once(() -> raise(why));
        }
        if ((fenced || lowering) && !cutOff) {
            String why = fenced ? (watching ? "a replica answers again: it takes writes"
                    : "it is no longer a fenced master: the set's fencing is back") : null;
            fenced = false;
            lowering = true;
            return once(() -> lower(why));
        }
        return null;
    }

    private Runnable once(Runnable change) {
        busy.set(true);
        return () -> {
            try {
                change.run();
            } finally {
                busy.set(false);
            }
        };
    }

    /** Also PINGs each replica it lists online: one that answers lifts the fence at once. */
    private void listReplicas() {
        try {
            listedNow = instance.withRedis(jedis -> InfoReplication.parse(jedis.info("replication"))).replicas();
        } catch (RuntimeException e) {
            listedNow = List.of();
        }
        for (ReplicationInfo.ReplicaLink r : listedNow) {
            if ("online".equals(r.state()) && answers(r)) {
                // Lifted here rather than on the next tick: no decision runs while this one is busy.
                answered();
                fenced = false;
                lowering = true;
                lower("a replica answers again: it takes writes");
                return;
            }
        }
    }

    private boolean answers(ReplicationInfo.ReplicaLink r) {
        try (Jedis replica = new RedisEndpoint(r.ip(), r.port(), null, null, QUICK).open()) {
            replica.ping();
            return true;
        } catch (JedisDataException e) {
            return true; // NOAUTH: it is there
        } catch (JedisException e) {
            return false;
        }
    }

    private void raise(String why) {
        try {
            synchronized (instance.replicationLock) {
                instance.runOnRedis(jedis -> jedis.configSet("min-replicas-to-write", Integer.toString(OUT_OF_REACH)));
            }
            if (why != null) {
                log.warn("instance {} fenced itself: {}", instance.id(), why);
            }
        } catch (RuntimeException e) {
            log.debug("instance {} could not fence itself: {}", instance.id(), e.getMessage());
        }
    }

    private void lower(String why) {
        try {
            synchronized (instance.replicationLock) {
                instance.runOnRedis(jedis -> jedis.configSet("min-replicas-to-write", Integer.toString(configured())));
            }
            lowering = false;
            if (why != null) {
                log.info("instance {} lifted its own fence: {}", instance.id(), why);
            }
        } catch (RuntimeException e) {
            log.debug("instance {} could not lift its own fence yet: {}", instance.id(), e.getMessage());
        }
    }

    private int configured() {
        ReplicationSettings settings = instance.replication();
        return settings == null || settings.source() == null ? 0 : settings.source().minReplicasToWrite();
    }
}
