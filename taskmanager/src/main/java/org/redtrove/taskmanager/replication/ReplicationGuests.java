package org.redtrove.taskmanager.replication;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.redtrove.common.Fencing;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.RedisState;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.guest.GuestClient;
import org.redtrove.taskmanager.guest.GuestUnavailableException;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.springframework.stereotype.Component;

/** The replication commands executors send, phrased in terms of instances rather than hosts. */
@Component
public class ReplicationGuests {

    private final GuestCalls calls;
    private final GuestClient client;
    private final ReplicationProperties properties;
    private final ReplicaSetRepository sets;
    private final ExecutorService parallel = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replication-rpc");
        t.setDaemon(true);
        return t;
    });

    public ReplicationGuests(GuestCalls calls, GuestClient client, ReplicationProperties properties,
                             ReplicaSetRepository sets) {
        this.calls = calls;
        this.client = client;
        this.properties = properties;
        this.sets = sets;
    }

    /** Asks the instance's guest for its state; never throws, an unreachable one says why. */
    public ReplicaObservation observe(Instance instance) {
        if (!instance.isPlaced()) {
            return ReplicaObservation.unreachable(instance.id(), "not placed on any host");
        }
        try {
            GuestReply reply = client.call(instance.hostId(), new GuestRequest.Describe(instance.id()),
                    properties.observeTimeout());
            if (!reply.isOk()) {
                return ReplicaObservation.unreachable(instance.id(), reply.error());
            }
            return ReplicaObservation.of(instance.id(), reply.instance());
        } catch (GuestUnavailableException e) {
            return ReplicaObservation.unreachable(instance.id(), e.getMessage());
        }
    }

    /** Observes several instances at once: an eject must not wait for each dead host in turn. */
    public List<ReplicaObservation> observeAll(List<Instance> instances) {
        List<CompletableFuture<ReplicaObservation>> futures = instances.stream()
                .map(i -> CompletableFuture.supplyAsync(() -> observe(i), parallel)).toList();
        return futures.stream().map(CompletableFuture::join).toList();
    }

    public InstanceReport describe(Instance instance) {
        return ok(calls.call(instance.hostId(), new GuestRequest.Describe(instance.id())), "describe").instance();
    }

    /**
     * Makes the instance a replica of {@code master} at this membership, through the set's
     * replication user. Refused by the guest if it already applied a newer epoch.
     */
    public void follow(Instance member, Instance master, Membership membership, String replicationPassword) {
        ok(calls.call(member.hostId(), followRequest(member, master, membership, replicationPassword, false, false)),
                "make " + member.id() + " follow " + master.id());
    }

    /**
     * Demotes the old master of a planned switchover, keeping its clients connected until the new
     * master is announced ({@link #disconnectClients}): clients that reconnect at once would else
     * ask for the master while none is announced, and Lettuce's plain client would come back to
     * the demoted one and stay there, refused as READONLY.
     */
    public void demote(Instance oldMaster, Instance master, Membership membership, String replicationPassword) {
        ok(calls.call(oldMaster.hostId(), followRequest(oldMaster, master, membership, replicationPassword, false,
                true)), "make " + oldMaster.id() + " follow " + master.id());
    }

    /** Closes the tenant's connections to the instance, so that Sentinel clients look for the master again. */
    public void disconnectClients(Instance instance) {
        ok(calls.call(instance.hostId(), new GuestRequest.DisconnectClients(instance.id())),
                "disconnect the clients of " + instance.id());
    }

    /**
     * Fences an old master that failed: it becomes a replica of the new one, and is restarted as one
     * if it is hung. One short attempt: the old master's host may be gone, and the failover must
     * not wait for it; when it comes back, the supervisor fences it then.
     *
     * @return null on success, else why it could not be reached
     */
    public String fence(Instance oldMaster, Instance newMaster, Membership membership, String replicationPassword) {
        try {
            GuestReply reply = client.call(oldMaster.hostId(),
                    followRequest(oldMaster, newMaster, membership, replicationPassword, true, false),
                    properties.observeTimeout());
            return reply.isOk() ? null : reply.error();
        } catch (GuestUnavailableException e) {
            return e.getMessage();
        }
    }

    private static GuestRequest.Follow followRequest(Instance member, Instance master, Membership membership,
                                                     String replicationPassword, boolean restartIfUnresponsive,
                                                     boolean keepClients) {
        return new GuestRequest.Follow(member.id(), membership, master.hostAddress(), master.port(),
                replicationPassword, restartIfUnresponsive, keepClients);
    }

    /**
     * Makes the instance the writable master of its set at this membership, keeping its data, and
     * then announces it to Sentinel clients: only a guest's answer says it now answers role:master.
     */
    public void becomeMaster(Instance member, Membership membership) {
        ok(calls.call(member.hostId(), new GuestRequest.BecomeMaster(member.id(), membership)),
                "promote " + member.id());
        sets.announce(membership.setId(), membership.epoch(), member.id());
    }

    public void configureSource(Instance source, int attaching, Fencing fencing) {
        ok(calls.call(source.hostId(), new GuestRequest.ConfigureSource(source.id(), properties.disklessSync(),
                attaching, fencing)), "configure the source");
    }

    public void configureAccess(Instance member, String replicationPassword, boolean restrictTenant) {
        ok(calls.call(member.hostId(), new GuestRequest.ConfigureAccess(member.id(), replicationPassword,
                restrictTenant)), "configure the ACLs of " + member.id());
    }

    /** Pauses writes and answers with the offset every acknowledged write is below. */
    public long pauseWrites(Instance master) {
        GuestReply reply = ok(calls.callOnce(master.hostId(),
                new GuestRequest.PauseWrites(master.id(), properties.pauseTimeout().toMillis()),
                Duration.ofSeconds(5)), "pause writes");
        return reply.offset();
    }

    public void unpause(Instance master) {
        ok(calls.call(master.hostId(), new GuestRequest.Unpause(master.id())), "unpause writes");
    }

    /** True when the replica reached the offset within the catch-up bound. */
    public boolean awaitOffset(Instance replica, long offset) {
        Duration bound = properties.catchUpTimeout();
        GuestReply reply = calls.callOnce(replica.hostId(),
                new GuestRequest.WaitForOffset(replica.id(), offset, bound.toMillis()), bound.plusSeconds(5));
        return reply.isOk();
    }

    public void runParallel(List<Runnable> tasks) {
        List<CompletableFuture<Void>> futures = tasks.stream()
                .map(t -> CompletableFuture.runAsync(t, parallel)).toList();
        futures.forEach(CompletableFuture::join);
    }

    private static GuestReply ok(GuestReply reply, String what) {
        if (!reply.isOk()) {
            throw new JobFailedException("Could not " + what + ": " + reply.error());
        }
        return reply;
    }
}
