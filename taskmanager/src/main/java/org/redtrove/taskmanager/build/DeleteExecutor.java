package org.redtrove.taskmanager.build;

import java.util.UUID;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.JobKind;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.springframework.stereotype.Component;

/** Stops an instance's Redis, removes its data on the host, and marks the row deleted. */
@Component
public class DeleteExecutor implements JobExecutor {

    private final InstanceRepository instances;
    private final GuestCalls guests;

    public DeleteExecutor(InstanceRepository instances, GuestCalls guests) {
        this.instances = instances;
        this.guests = guests;
    }

    @Override
    public JobKind kind() {
        return JobKind.DELETE;
    }

    @Override
    public void execute(JobContext context) {
        UUID id = context.job().instanceId();
        Instance instance = instances.get(id);
        if (instance.deleted()) {
            return;
        }
        if (instance.isPlaced()) {
            context.step("delete-on-host", () -> {
                GuestReply reply = guests.call(instance.hostId(), new GuestRequest.Delete(id));
                if (!reply.isOk()) {
                    throw new JobFailedException("The guest could not delete Redis: " + reply.error());
                }
            });
        }
        instances.markDeleted(id);
    }

    @Override
    public void failed(Job job, String error) {
        // The instance stays visible in ERROR with the reason; deleting it again retries.
        instances.setFault(job.instanceId(), TaskStatus.DELETE_ERROR, error);
    }
}
