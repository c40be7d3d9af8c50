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
import org.redtrove.taskmanager.replication.MasterSettings;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

/**
 * Stops an instance's Redis, removes its data on the host, marks the row deleted and takes it out
 * of its set (a set left empty goes with it). A master that just lost a replica gets the fencing
 * its remaining replicas call for: with none left it must not refuse writes.
 */
@Component
public class DeleteExecutor implements JobExecutor {

    private final InstanceRepository instances;
    private final ReplicaSetRepository sets;
    private final MasterSettings masterSettings;
    private final GuestCalls guests;
    private final TransactionTemplate tx;

    public DeleteExecutor(InstanceRepository instances, ReplicaSetRepository sets, MasterSettings masterSettings,
                          GuestCalls guests, TransactionTemplate tx) {
        this.instances = instances;
        this.sets = sets;
        this.masterSettings = masterSettings;
        this.guests = guests;
        this.tx = tx;
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
        UUID setId = instance.replicaSetId();
        tx.executeWithoutResult(status -> {
            instances.markDeleted(id);
            sets.removeMember(id);
        });
        if (setId != null && sets.find(setId).isPresent()) {
            masterSettings.apply(setId);
        }
    }

    @Override
    public void failed(Job job, String error) {
        // The instance stays visible in ERROR with the reason; deleting it again retries.
        instances.setFault(job.instanceId(), TaskStatus.DELETE_ERROR, error);
    }
}
