package org.redtrove.taskmanager.maintenance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.springframework.stereotype.Component;

/**
 * A new flavor or a new volume size for every member of a set. A flavor is memory: each member's
 * guest applies the new maxmemory live (CONFIG SET, no restart) and writes it to its files,
 * replicas first and the master last, so that a replica is never smaller than the master whose
 * data it must hold, on the way up or down. Each member's change is a recorded step, so a resumed
 * job goes on where it stopped; the rows take the new flavor or size only once every member has it.
 * A volume is the disk budget the rows record and the views show; no guest call is needed.
 */
@Component
public class ResizeExecutor implements JobExecutor {

    private final InstanceRepository instances;
    private final GuestCalls guests;

    public ResizeExecutor(InstanceRepository instances, GuestCalls guests) {
        this.instances = instances;
        this.guests = guests;
    }

    @Override
    public JobKind kind() {
        return JobKind.RESIZE;
    }

    @Override
    public void execute(JobContext context) {
        JobParams.Resize resize = context.job().params().resize();
        List<Instance> members = instances.setOf(context.job().instanceId());
        if (resize.flavorId() != null) {
            long maxmemory = instances.flavorMemoryBytes(resize.flavorId()).orElseThrow(() ->
                    new JobFailedException("Flavor " + resize.flavorId() + " no longer exists."));
            context.progress("maxmemoryBytes", maxmemory);
            // replicas first (the master is the one member that is nobody's replica)
            List<Instance> order = new ArrayList<>(members);
            order.sort(Comparator.comparing((Instance m) -> m.replicaOf() == null));
            for (Instance member : order) {
                if (!member.isPlaced()) {
                    continue;
                }
                context.step("resize-" + member.id(), () -> {
                    GuestReply reply = guests.call(member.hostId(), new GuestRequest.Resize(member.id(), maxmemory));
                    if (!reply.isOk()) {
                        throw new JobFailedException("The guest of " + member.name() + " could not apply the new"
                                + " flavor: " + reply.error());
                    }
                });
            }
        }
        if (resize.volumeSizeGb() != null) {
            // a larger volume: every guest holds the member's data files to the new size
            long bytes = (long) resize.volumeSizeGb() << 30;
            for (Instance member : members) {
                if (!member.isPlaced()) {
                    continue;
                }
                context.step("volume-" + member.id(), () -> {
                    GuestReply reply = guests.call(member.hostId(), new GuestRequest.LimitDisk(member.id(), bytes));
                    if (!reply.isOk()) {
                        throw new JobFailedException("The guest of " + member.name() + " could not apply the new"
                                + " volume size: " + reply.error());
                    }
                });
            }
        }
        List<UUID> ids = members.stream().map(Instance::id).toList();
        instances.resized(ids, resize.flavorId(), resize.volumeSizeGb());
        for (UUID id : ids) {
            instances.setTask(id, TaskStatus.NONE);
            instances.clearFault(id);
        }
    }

    /**
     * Members already resized keep the new memory, so the rows keep the old flavor only where it
     * still holds everywhere: the fault says which, and resizing again completes it.
     */
    @Override
    public void failed(Job job, String error) {
        for (Instance member : instances.setOf(job.instanceId())) {
            if (member.taskStatus() == TaskStatus.RESIZING) {
                instances.setTask(member.id(), TaskStatus.NONE);
            }
        }
        instances.setFault(job.instanceId(), TaskStatus.NONE, "Resize failed: " + error
                + " Some members may have the new flavor already; resize again to finish.");
    }
}
