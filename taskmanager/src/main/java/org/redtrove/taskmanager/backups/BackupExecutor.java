package org.redtrove.taskmanager.backups;

import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.JobKind;
import org.redtrove.common.ServerStatus;
import org.redtrove.common.TaskStatus;
import org.redtrove.common.backups.BackupStore;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.instances.Health;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Takes a backup: the snapshot is read from a replica of the instance's set that is in sync with
 * its master, so the master does not fork under its load, else from the instance itself. The guest
 * writes it to the backup store; the row then records its size, checksum and place, and the
 * instance is ACTIVE again.
 *
 * <p>A resumed job asks again, and the guest writes a newer snapshot under the same key. While the
 * job runs the instance shows BACKUP; an automatic failover does not wait for it (the set
 * supervisor passes over BACKING_UP), and a backup whose source is gone then fails.
 */
@Component
public class BackupExecutor implements JobExecutor {

    /** Beyond the guest's own limit for the snapshot: the copy to the store. */
    private static final Duration COPY_MARGIN = Duration.ofMinutes(5);

    private final InstanceRepository instances;
    private final BackupRepository backups;
    private final GuestCalls guests;
    private final BackupStore store;
    private final Duration callTimeout;

    public BackupExecutor(InstanceRepository instances, BackupRepository backups, GuestCalls guests, BackupStore store,
                          @Value("${redtrove.backups.snapshot-timeout:30m}") Duration snapshotTimeout) {
        this.instances = instances;
        this.backups = backups;
        this.guests = guests;
        this.store = store;
        this.callTimeout = snapshotTimeout.plus(COPY_MARGIN);
    }

    @Override
    public JobKind kind() {
        return JobKind.BACKUP;
    }

    @Override
    public boolean longRunning() {
        return true;
    }

    @Override
    public void execute(JobContext context) {
        UUID backupId = context.job().params().backupId();
        Instance requested = instances.get(context.job().instanceId());
        Instance source = source(requested);
        String key = backupId + ".rdb";
        backups.storeKey(backupId, key);
        backups.building(backupId, source.id());
        context.progress("source", source.id().toString());
        context.progress("summary", "snapshot and copy to the backup store, on "
                + (source.id().equals(requested.id()) ? "the instance itself" : "its replica " + source.name()));
        GuestReply reply = guests.callOnce(source.hostId(), new GuestRequest.Backup(source.id(), key), callTimeout);
        if (!reply.isOk()) {
            throw new JobFailedException("The guest could not take the backup: " + reply.error());
        }
        backups.completed(backupId, reply.backup(), store.location(key));
        context.progress("size_bytes", reply.backup().sizeBytes());
        context.progress("summary", String.format(java.util.Locale.ROOT, "stored %.1f MB from %s",
                reply.backup().sizeBytes() / 1048576.0, source.name()));
        instances.setTaskIf(requested.id(), TaskStatus.BACKING_UP, TaskStatus.NONE);
    }

    /**
     * A master's in-sync replica (the oldest, for a stable choice), else the instance itself: a
     * backup of a replica is read from that replica.
     */
    private Instance source(Instance requested) {
        if (requested.replicaOf() != null) {
            return requested;
        }
        return instances.replicasOf(requested.id()).stream()
                .filter(r -> r.isPlaced() && r.serverStatus() == ServerStatus.ACTIVE && r.health() == Health.HEALTHY
                        && (r.taskStatus() == TaskStatus.NONE || r.taskStatus() == TaskStatus.BACKING_UP))
                .min(Comparator.comparing(Instance::id))
                .orElse(requested);
    }

    @Override
    public void failed(Job job, String error) {
        backups.failed(job.params().backupId(), "FAILED", error);
        instances.setTaskIf(job.instanceId(), TaskStatus.BACKING_UP, TaskStatus.NONE);
    }
}
