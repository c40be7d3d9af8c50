package org.redtrove.taskmanager.replication;

import org.redtrove.common.JobKind;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.springframework.stereotype.Component;

/** Turns a replica into a standalone, writable instance that keeps its data. */
@Component
public class DetachExecutor implements JobExecutor {

    private final InstanceRepository instances;
    private final ReplicationGuests guests;

    public DetachExecutor(InstanceRepository instances, ReplicationGuests guests) {
        this.instances = instances;
        this.guests = guests;
    }

    @Override
    public JobKind kind() {
        return JobKind.DETACH;
    }

    @Override
    public void execute(JobContext context) {
        Instance replica = instances.get(context.job().instanceId());
        guests.detach(replica);
        instances.setReplicaOf(replica.id(), null);
        instances.markActive(replica.id());
    }

    @Override
    public void failed(Job job, String error) {
        // Nothing changed in the database: the replica is still part of its set, with the reason shown.
        instances.setFault(job.instanceId(), TaskStatus.NONE, error);
    }
}
