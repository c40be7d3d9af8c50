package org.redtrove.taskmanager.replication;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.guest.GuestClient;
import org.redtrove.taskmanager.guest.GuestUnavailableException;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.springframework.stereotype.Component;

/** The replication commands executors send, phrased in terms of instances rather than hosts. */
@Component
public class ReplicationGuests {

    private final GuestCalls calls;
    private final GuestClient client;
    private final ReplicationProperties properties;
    private final ExecutorService parallel = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replication-rpc");
        t.setDaemon(true);
        return t;
    });

    public ReplicationGuests(GuestCalls calls, GuestClient client, ReplicationProperties properties) {
        this.calls = calls;
        this.client = client;
        this.properties = properties;
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
            InstanceReport report = reply.instance();
            if (report.state() != RedisState.RUNNING || report.replication() == null) {
                return ReplicaObservation.unreachable(instance.id(), "Redis is " + report.state()
                        + (report.detail() == null ? "" : " (" + report.detail() + ")"));
            }
            return ReplicaObservation.of(instance.id(), report.replication());
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

    public void attach(Instance replica, Instance master) {
        ok(calls.call(replica.hostId(), new GuestRequest.AttachToMaster(replica.id(), master.hostAddress(),
                master.port(), master.password())), "attach " + replica.id() + " to its source");
    }

    public void detach(Instance replica) {
        ok(calls.call(replica.hostId(), new GuestRequest.Detach(replica.id())), "detach " + replica.id());
    }

    public void configureSource(Instance source, int attaching) {
        ok(calls.call(source.hostId(), new GuestRequest.ConfigureSource(source.id(), properties.disklessSync(),
                attaching)), "configure the source");
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
