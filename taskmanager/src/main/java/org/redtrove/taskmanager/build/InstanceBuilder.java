package org.redtrove.taskmanager.build;

import java.time.Duration;
import java.util.Set;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.TenantParameters;
import org.redtrove.common.backups.BackupFile;
import org.redtrove.taskmanager.backups.BackupRepository;
import org.springframework.beans.factory.annotation.Value;
import org.redtrove.common.RedisState;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.redtrove.taskmanager.placement.HostSelector;
import org.redtrove.taskmanager.sets.ReplicaSet;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.springframework.stereotype.Component;

/**
 * The steps every new instance goes through, standalone or replica: placement on a host, and the
 * guest's prepare. Both keep what an earlier attempt did, so they can be repeated safely.
 */
@Component
public class InstanceBuilder {

    private final InstanceRepository instances;
    private final ReplicaSetRepository sets;
    private final HostSelector hosts;
    private final GuestCalls guests;
    private final BackupRepository backups;
    private final Duration restoreTimeout;

    public InstanceBuilder(InstanceRepository instances, ReplicaSetRepository sets, HostSelector hosts,
                           GuestCalls guests, BackupRepository backups,
                           @Value("${redtrove.backups.snapshot-timeout:30m}") Duration restoreTimeout) {
        this.backups = backups;
        this.restoreTimeout = restoreTimeout;
        this.instances = instances;
        this.sets = sets;
        this.hosts = hosts;
        this.guests = guests;
    }

    /** Places the instance unless it already is, preferring hosts outside {@code avoid}. */
    public String placeOrKeep(Instance instance, Set<String> avoid) {
        if (instance.isPlaced()) {
            return instance.hostId();
        }
        String hostId = hosts.choose(avoid).orElseThrow(() -> new JobFailedException(
                "No host is available: no guest agent that is not being drained has sent a heartbeat recently."));
        instances.place(instance.id(), hostId);
        return hostId;
    }

    /**
     * Has the guest create (or find) the instance, as a master of its set at the set's epoch (a new
     * replica is then made to follow); records and returns the port it chose.
     */
    public int prepare(Instance instance, String hostId) {
        ReplicaSet set = sets.get(instance.replicaSetId());
        BackupFile restore = null;
        if (backups.restores(instance.id())) {
            restore = backups.restoreOf(instance.id()).orElseThrow(() -> new JobFailedException(
                    "The backup this instance is restored from is no longer available."));
        }
        GuestRequest.Prepare request = new GuestRequest.Prepare(instance.id(), instance.password(),
                instance.maxmemoryBytes(), set.membership(), sets.replicationPassword(set.id()), restore);
        // A restore copies the backup before Redis starts: asked once, with time for the copy, as a
        // repeat while the first copy still runs would only copy it again.
        GuestReply reply = restore == null ? guests.call(hostId, request)
                : guests.callOnce(hostId, request, restoreTimeout);
        if (!reply.isOk()) {
            throw new JobFailedException("The guest could not prepare Redis: " + reply.error());
        }
        int port = reply.instance().port();
        instances.setPort(instance.id(), port);
        limitDisk(instance, hostId);
        configure(instance, hostId);
        return port;
    }

    /** Tells the guest the instance's volume, which it holds the data files to. */
    public void limitDisk(Instance instance, String hostId) {
        instances.volumeBytes(instance.id()).ifPresent(bytes -> {
            GuestReply reply = guests.call(hostId, new GuestRequest.LimitDisk(instance.id(), bytes));
            if (!reply.isOk()) {
                throw new JobFailedException("The guest could not apply the volume size: " + reply.error());
            }
        });
    }

    /**
     * Gives the instance its configuration group's parameters, the others at Redis's defaults; an
     * instance without a group gets nothing (it has the defaults already).
     */
    public void configure(Instance instance, String hostId) {
        instances.configurationValues(instance.id()).ifPresent(values -> {
            GuestReply reply = guests.call(hostId, new GuestRequest.Configure(instance.id(),
                    TenantParameters.effective(values)));
            if (!reply.isOk()) {
                throw new JobFailedException("The guest could not apply the configuration group: " + reply.error());
            }
        });
    }

    /** Waits until the guest says Redis answers. */
    public void awaitRunning(Instance instance, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            GuestReply reply = guests.call(instance.hostId(), new GuestRequest.Describe(instance.id()));
            if (reply.isOk() && reply.instance().state() == RedisState.RUNNING) {
                return;
            }
            last = reply.isOk() ? reply.instance().state() + (reply.instance().detail() == null ? ""
                    : ": " + reply.instance().detail()) : reply.error();
            if (reply.isOk() && reply.instance().state() == RedisState.FAILED) {
                break;
            }
            JobContext.sleep(50);
        }
        throw new JobFailedException("Redis did not start: " + last);
    }
}
