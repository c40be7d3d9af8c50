package org.redtrove.taskmanager.build;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.redtrove.common.JobKind;
import org.redtrove.common.ServerStatus;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.springframework.stereotype.Component;

/**
 * Builds one standalone instance: place it on a host, have that host's guest prepare it, and wait
 * until the conductor has seen Redis answer. Every step is idempotent on its own (placing keeps an
 * existing placement, the guest's prepare keeps an existing instance), so a redelivered job
 * resumes and never starts a second Redis. Once it answers, the master of its new set is announced
 * to Sentinel clients.
 */
@Component
public class CreateExecutor implements JobExecutor {

    private final InstanceRepository instances;
    private final InstanceBuilder builder;
    private final TaskManagerProperties properties;
    private final ReplicaSetRepository sets;

    public CreateExecutor(InstanceRepository instances, InstanceBuilder builder, TaskManagerProperties properties,
                          ReplicaSetRepository sets) {
        this.instances = instances;
        this.builder = builder;
        this.properties = properties;
        this.sets = sets;
    }

    @Override
    public JobKind kind() {
        return JobKind.CREATE;
    }

    @Override
    public void execute(JobContext context) {
        UUID id = context.job().instanceId();
        Instance instance = instances.get(id);
        if (instance.deleted()) {
            return;
        }
        String hostId = context.step("place", String.class, () -> builder.placeOrKeep(instance, Set.of()));
        context.step("prepare", () -> builder.prepare(instances.get(id), hostId));
        context.step("await-active", () -> awaitActive(id, properties.buildTimeout()));
        instances.markActive(id);
        sets.announceFounder(id);
    }

    @Override
    public void failed(Job job, String error) {
        instances.setFault(job.instanceId(), TaskStatus.BUILDING_ERROR_SERVER, error);
        instances.setServerStatus(job.instanceId(), ServerStatus.ERROR);
    }

    private void awaitActive(UUID id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Instance now = instances.get(id);
            if (now.serverStatus() == ServerStatus.ACTIVE) {
                return;
            }
            JobContext.sleep(100);
        }
        throw new JobFailedException("Redis did not answer within " + timeout.toSeconds() + " s of being started.");
    }
}
