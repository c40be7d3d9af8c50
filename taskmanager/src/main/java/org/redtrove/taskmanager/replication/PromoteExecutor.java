package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.redtrove.common.JobKind;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.redtrove.taskmanager.replication.SwitchoverPlan.AwaitCatchUp;
import org.redtrove.taskmanager.replication.SwitchoverPlan.DemoteOldMaster;
import org.redtrove.taskmanager.replication.SwitchoverPlan.PauseWrites;
import org.redtrove.taskmanager.replication.SwitchoverPlan.PromoteCandidate;
import org.redtrove.taskmanager.replication.SwitchoverPlan.Repoint;
import org.redtrove.taskmanager.replication.SwitchoverPlan.Unpause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Carries out a planned switchover ({@link SwitchoverPlanner}) without losing an acknowledged
 * write: the old master stops taking writes, the candidate catches up to its exact offset, and only
 * then is promoted. If the candidate cannot catch up in time, the master is unpaused and the set is
 * left exactly as it was. Once the candidate is promoted the job is committed: a resumed run
 * continues re-pointing from there rather than starting over.
 */
@Component
public class PromoteExecutor implements JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(PromoteExecutor.class);
    private static final String PROMOTED = "promote-candidate";

    private final InstanceRepository instances;
    private final ReplicationGuests guests;
    private final Repointing repointing;
    private final ReplicationProperties properties;

    public PromoteExecutor(InstanceRepository instances, ReplicationGuests guests, Repointing repointing,
                           ReplicationProperties properties) {
        this.instances = instances;
        this.guests = guests;
        this.repointing = repointing;
        this.properties = properties;
    }

    @Override
    public JobKind kind() {
        return JobKind.PROMOTE;
    }

    @Override
    public void execute(JobContext context) {
        UUID candidateId = context.job().instanceId();
        UUID masterId = context.job().params().sourceId();
        Instance master = instances.get(masterId);
        Instance candidate = instances.get(candidateId);
        // Before the promotion the set is still the master's; after it, the candidate's.
        List<Instance> replicas = new ArrayList<>(instances.replicasOf(masterId));
        replicas.addAll(instances.replicasOf(candidateId));
        Map<UUID, Instance> members = Stream.concat(Stream.of(master, candidate), replicas.stream())
                .collect(Collectors.toMap(Instance::id, Function.identity(), (a, b) -> a));
        List<UUID> others = replicas.stream().map(Instance::id).filter(id -> !id.equals(candidateId)).distinct()
                .toList();

        SwitchoverPlan plan;
        if (candidate.replicaOf() == null && context.isDone(PROMOTED)) {
            plan = SwitchoverPlanner.resume(masterId, candidateId, others);
        } else {
            var decision = SwitchoverPlanner.plan(guests.observe(master), guests.observe(candidate), others);
            plan = decision.plan().orElseThrow(() -> new JobFailedException(decision.refusal()));
        }
        context.progress("plan", plan.steps().stream().map(s -> s.getClass().getSimpleName()).toList());

        boolean paused = false;
        boolean committed = false;
        List<Repointing.Failure> failures = List.of();
        Map<String, Instance> followers = new LinkedHashMap<>();
        long pausedOffset = -1;
        long pausedAt = 0;
        long pauseMillis = -1;
        try {
            for (SwitchoverPlan.Step step : plan.steps()) {
                if (step instanceof PauseWrites p) {
                    pausedOffset = guests.pauseWrites(members.get(p.master()));
                    pausedAt = System.nanoTime();
                    paused = true;
                } else if (step instanceof AwaitCatchUp a) {
                    if (!guests.awaitOffset(members.get(a.candidate()), pausedOffset)) {
                        throw new JobFailedException("Replica " + a.candidate() + " did not reach the source's offset "
                                + pausedOffset + " within " + properties.catchUpTimeout().toMillis()
                                + " ms; the replica set was left as it was.");
                    }
                } else if (step instanceof PromoteCandidate p) {
                    context.step(PROMOTED, () -> {
                        guests.detach(members.get(p.candidate()));
                        instances.setReplicaOf(p.candidate(), null);
                    });
                    committed = true;
                } else if (step instanceof Repoint r) {
                    followers.put("repoint-" + r.replica(), members.get(r.replica()));
                } else if (step instanceof DemoteOldMaster d) {
                    followers.put("demote-old-master", members.get(d.oldMaster()));
                } else if (step instanceof Unpause u) {
                    // The followers are independent of each other: all of them at once, so the
                    // pause lasts one round trip for them instead of one per member.
                    failures = repointing.repoint(context, followers, plan.candidate(), TaskStatus.PROMOTION_ERROR);
                    guests.unpause(members.get(u.oldMaster()));
                    if (paused) {
                        pauseMillis = (System.nanoTime() - pausedAt) / 1_000_000;
                    }
                    paused = false;
                }
            }
        } finally {
            if (paused) {
                try {
                    guests.unpause(master);
                } catch (RuntimeException e) {
                    // Redis lifts the pause by itself after pauseTimeout.
                    log.warn("Could not unpause {}: {}", masterId, e.getMessage());
                }
            }
            if (!committed) {
                context.progress("outcome", "unchanged");
            }
        }
        if (pausedOffset >= 0) {
            context.progress("pausedOffset", pausedOffset);
        }
        if (pauseMillis >= 0) {
            context.progress("writePauseMillis", pauseMillis);
        }
        Set<UUID> failed = Repointing.failedIds(failures);
        for (Instance member : members.values()) {
            if (!failed.contains(member.id())) {
                instances.setTask(member.id(), TaskStatus.NONE);
                instances.clearFault(member.id());
            }
        }
        if (!failures.isEmpty()) {
            throw new JobFailedException("promote-to-replica-source " + candidateId
                    + ": the following instances may not have been switched: " + Repointing.describe(failures));
        }
        log.info("Promoted {} in place of {}", candidateId, masterId);
    }

    @Override
    public void failed(Job job, String error) {
        UUID masterId = job.params().sourceId();
        List<UUID> members = new ArrayList<>();
        members.add(masterId);
        instances.replicasOf(masterId).forEach(r -> members.add(r.id()));
        instances.replicasOf(job.instanceId()).forEach(r -> members.add(r.id()));
        members.add(job.instanceId());
        for (UUID id : members.stream().distinct().toList()) {
            Instance i = instances.get(id);
            if (i.taskStatus() == TaskStatus.PROMOTING) {
                instances.setTask(id, TaskStatus.NONE);
            }
        }
        instances.setFault(job.instanceId(), TaskStatus.NONE, error);
    }
}
