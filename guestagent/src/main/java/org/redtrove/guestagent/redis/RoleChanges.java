package org.redtrove.guestagent.redis;

import org.redtrove.common.Fencing;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.Membership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Changes of an instance's replication role, each written to replication.conf and applied live in
 * the same step (no Redis restart), under the instance's replication lock:
 * <ul>
 * <li>{@link #configureSource}: how it serves replicas as a master, and how it fences itself;</li>
 * <li>{@link #becomeMaster} and {@link #follow}: guarded by the set's epoch, so a late or repeated
 * command from an older topology can never undo a newer one.</li>
 * </ul>
 * The caller starts the process afterwards when it is not running (a released hold, a killed Redis),
 * and reports.
 */
final class RoleChanges {

    private static final Logger log = LoggerFactory.getLogger(RoleChanges.class);

    /**
     * Settings of a master replicas attach to. A diskless-sync delay lets several replicas that attach
     * together share one transfer; for a single replica it would only be a wait.
     */
    void configureSource(ManagedInstance instance, GuestRequest.ConfigureSource r) {
        Fencing fencing = r.fencing() == null ? Fencing.NONE : r.fencing();
        // With max-replicas set, the transfer starts as soon as every attaching replica has
        // connected; the delay is only the upper bound for a replica that never shows up.
        int delay = r.attachingReplicas() > 1 ? 5 : 0;
        synchronized (instance.replicationLock) {
            instance.writeReplication(instance.replication().withSource(new ReplicationSettings.Source(
                    r.disklessSync(), delay, fencing.minReplicasToWrite(), fencing.maxLagSeconds())));
            instance.rememberHoldRestart(fencing.holdRestart());
            // One CONFIG SET: Redis 7 applies all of its parameters or none.
            instance.runOnRedis(jedis -> {
                jedis.configSet(
                        "repl-diskless-sync", r.disklessSync() ? "yes" : "no",
                        "repl-diskless-sync-delay", Integer.toString(delay),
                        "repl-diskless-sync-max-replicas",
                        Integer.toString(r.attachingReplicas() > 1 ? r.attachingReplicas() : 0),
                        "min-replicas-to-write", Integer.toString(fencing.minReplicasToWrite()),
                        "min-replicas-max-lag", Integer.toString(fencing.maxLagSeconds()));
            });
        }
    }

    /** Makes the instance a writable master of the request's set. It keeps its data. */
    void becomeMaster(ManagedInstance instance, GuestRequest.BecomeMaster r) {
        synchronized (instance.replicationLock) {
            refuseStale(instance, r.membership());
            if (instance.releaseHold()) {
                // Held, so not running, and a master by its file already (only masters are held):
                // it starts as one.
                instance.rememberMembership(r.membership());
                log.info("instance {} released from its hold as a master at {}", instance.id(), r.membership());
                return;
            }
            // Live first, file second: the reverse of Follow, so that a failure between the two
            // leaves a file that still says replica. A restart then brings back a replica, never
            // a second master.
            boolean wasReplica = instance.replication().upstream() != null;
            instance.runOnRedis(jedis -> {
                jedis.replicaofNoOne();
                if (wasReplica) {
                    disconnectTenants(jedis);
                }
            });
            instance.writeReplication(instance.replication().withUpstream(null));
            instance.tracking().reset(null);
            instance.rememberMembership(r.membership());
        }
        log.info("instance {} is a master at {}", instance.id(), r.membership());
    }

    /**
     * Makes the instance a read-only replica of the given master: persisted first (so a Redis restart
     * between the two steps still comes back as a replica), then applied live, without a restart. A
     * Redis that does not answer is killed when the request allows it, and comes back from the file
     * as that replica: a hung old master must never wake up as a master.
     */
    void follow(ManagedInstance instance, GuestRequest.Follow r) {
        String master = r.masterHost() + ":" + r.masterPort();
        synchronized (instance.replicationLock) {
            refuseStale(instance, r.membership());
            instance.writeReplication(instance.replication().withUpstream(new ReplicationSettings.Upstream(
                    r.masterHost(), r.masterPort(), RedisUsers.REPLICATION_USER, r.replicationPassword())));
            // A repeated Follow of the same master keeps what we know; a new master starts from scratch.
            // Reset before REPLICAOF, so no INFO read from before the switch can count as the new sync.
            boolean newMaster = !master.equals(instance.tracking().expectedMaster());
            if (newMaster) {
                instance.tracking().reset(master);
            }
            if (instance.releaseHold()) {
                instance.rememberMembership(r.membership());
                log.info("instance {} released from its hold to follow {} at {}", instance.id(), master,
                        r.membership());
                return; // not running: it starts from the file, already the replica it says
            }
            try {
                instance.runOnRedis(jedis -> {
                    jedis.configSet("masteruser", RedisUsers.REPLICATION_USER,
                            "masterauth", r.replicationPassword(), "replica-read-only", "yes");
                    jedis.replicaof(r.masterHost(), r.masterPort());
                    if (newMaster && !r.keepClients()) {
                        disconnectTenants(jedis);
                    }
                });
            } catch (GuestOperationException e) {
                if (!r.restartIfUnresponsive() || !(e.getCause() instanceof JedisConnectionException)) {
                    throw e;
                }
                instance.killForRestart();
            }
            instance.rememberMembership(r.membership());
        }
        log.info("instance {} now replicates from {} at {}", instance.id(), master, r.membership());
    }

    /**
     * Closes the tenant's connections after a change of role or of master, as Sentinel does on
     * every instance it reconfigures: clients that only look for the master again when their
     * connection drops (redis-py, Lettuce's plain client, ioredis by default) would otherwise keep
     * writing to a demoted master (refused as READONLY) or reading from a replica of the old one.
     * Replication links and the agent's own connections are other users' and stay.
     */
    static void disconnectTenants(Jedis jedis) {
        for (ClientType type : new ClientType[] {ClientType.NORMAL, ClientType.PUBSUB}) {
            jedis.clientKill(ClientKillParams.clientKillParams().type(type).user(RedisUsers.DEFAULT_USER)
                    .skipMe(ClientKillParams.SkipMe.YES));
        }
    }

    private static void refuseStale(ManagedInstance instance, Membership asked) {
        if (asked == null) {
            throw new GuestOperationException("a role change needs a membership (set and epoch)");
        }
        Membership applied = instance.record().membership();
        if (!asked.supersedes(applied)) {
            throw new GuestOperationException("stale epoch: instance " + instance.id() + " has applied epoch "
                    + applied.epoch() + " of set " + applied.setId() + ", this request carries epoch "
                    + asked.epoch());
        }
    }
}
