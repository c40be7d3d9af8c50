package org.redtrove.taskmanager.replication;

import java.util.UUID;
import org.redtrove.common.JobKind;
import org.redtrove.common.Membership;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.springframework.stereotype.Component;

/**
 * Turns a replica into a standalone, writable instance that keeps its data: the master of a new
 * set of its own. The move is committed first; until its guest has applied it the instance is
 * still a read-only replica, which is harmless, and a resumed job (or the set supervisor) makes
 * it a master at the new set's epoch. Both sets' masters then get the fencing their replicas call
 * for: the old one may have lost its last replica.
 */
@Component
public class DetachExecutor implements JobExecutor {

    private final InstanceRepository instances;
    private final ReplicaSetRepository sets;
    private final ReplicationGuests guests;
    private final MasterSettings masterSettings;

    public DetachExecutor(InstanceRepository instances, ReplicaSetRepository sets, ReplicationGuests guests,
                          MasterSettings masterSettings) {
        this.instances = instances;
        this.sets = sets;
        this.guests = guests;
        this.masterSettings = masterSettings;
    }

    @Override
    public JobKind kind() {
        return JobKind.DETACH;
    }

    @Override
    public void execute(JobContext context) {
        UUID id = context.job().instanceId();
        UUID formerSet = context.step("leave-set", UUID.class, () -> instances.get(id).replicaSetId());
        Membership own = context.commit("commit", Membership.class, () -> sets.moveToOwnSet(id));
        Instance replica = instances.get(id);
        context.step("become-master", () -> guests.becomeMaster(replica, own));
        masterSettings.apply(own.setId());
        if (!formerSet.equals(own.setId()) && sets.find(formerSet).isPresent()) {
            masterSettings.apply(formerSet);
        }
        instances.markActive(id);
    }

    @Override
    public void failed(Job job, String error) {
        // Before the commit nothing changed; after it, the set supervisor finishes the move.
        instances.setFault(job.instanceId(), TaskStatus.NONE, error);
    }
}
