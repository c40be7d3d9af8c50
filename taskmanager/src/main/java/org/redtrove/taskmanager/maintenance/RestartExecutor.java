package org.redtrove.taskmanager.maintenance;

import java.time.Duration;
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

/**
 * Restarts one instance's redis-server through its guest: a graceful stop (the AOF flushed) and a
 * start from its files, so its role, its set and its data stay. A master restarts in place, as in
 * Trove: its replicas wait for it and sync again, and the set supervisor does not fail over while
 * the job runs. The guest is asked once (a repeated request would restart it twice), with time
 * for the AOF to load; the step is recorded, so a resumed job does not restart it again.
 */
@Component
public class RestartExecutor implements JobExecutor {

    /** The guest's own limit for Redis to answer again (60 s) plus its graceful stop (10 s), and margin. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);

    private final InstanceRepository instances;
    private final GuestCalls guests;

    public RestartExecutor(InstanceRepository instances, GuestCalls guests) {
        this.instances = instances;
        this.guests = guests;
    }

    @Override
    public JobKind kind() {
        return JobKind.RESTART;
    }

    @Override
    public void execute(JobContext context) {
        UUID id = context.job().instanceId();
        Instance instance = instances.get(id);
        if (instance.replicaOf() == null && !instances.replicasOf(id).isEmpty()) {
            context.progress("warning", "a master restarts in place: its replicas wait for it and sync again,"
                    + " and writes are refused until it answers; promote a replica first to avoid that");
        }
        context.step("restart", () -> {
            GuestReply reply = guests.callOnce(instance.hostId(), new GuestRequest.Restart(id), CALL_TIMEOUT);
            if (!reply.isOk()) {
                throw new JobFailedException("The guest could not restart Redis: " + reply.error());
            }
        });
        instances.setTask(id, TaskStatus.NONE);
        instances.clearFault(id);
    }

    @Override
    public void failed(Job job, String error) {
        instances.setFault(job.instanceId(), TaskStatus.NONE, "Restart failed: " + error);
    }
}
