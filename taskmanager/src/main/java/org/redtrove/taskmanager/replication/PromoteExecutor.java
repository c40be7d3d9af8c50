package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final ReplicationProperties properties;

    public PromoteExecutor(InstanceRepository instances, ReplicationGuests guests, ReplicationProperties properties) {
        this.instances = instances;
        this.guests = guests;
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
        if (candidate.replicaOf() == null && candidateAlreadyPromoted(context)) {
            plan = resumePlan(masterId, candidateId, others);
        } else {
            var decision = SwitchoverPlanner.plan(guests.observe(master), guests.observe(candidate), others);
            plan = decision.plan().orElseThrow(() -> new JobFailedException(decision.refusal()));
        }
        context.progress("plan", plan.steps().stream().map(s -> s.getClass().getSimpleName()).toList());

        boolean paused = false;
        boolean committed = false;
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Runnable> followers = new ArrayList<>();
        long pausedOffset = -1;
        long began = System.nanoTime();
        try {
            for (SwitchoverPlan.Step step : plan.steps()) {
                if (step instanceof PauseWrites p) {
                    pausedOffset = guests.pauseWrites(members.get(p.master()));
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
                    followers.add(() -> follow(context, members.get(r.replica()), r.newMaster(),
                            "repoint-" + r.replica(), failures));
                } else if (step instanceof DemoteOldMaster d) {
                    followers.add(() -> follow(context, members.get(d.oldMaster()), d.newMaster(),
                            "demote-old-master", failures));
                } else if (step instanceof Unpause u) {
                    // The followers are independent of each other: all of them at once, so the
                    // pause lasts one round trip for them instead of one per member.
                    guests.runParallel(followers);
                    followers.clear();
                    guests.unpause(members.get(u.oldMaster()));
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
        context.progress("writePauseMillis", (System.nanoTime() - began) / 1_000_000);
        for (Instance member : members.values()) {
            if (failures.stream().noneMatch(f -> f.startsWith(member.id().toString()))) {
                instances.setTask(member.id(), TaskStatus.NONE);
                instances.clearFault(member.id());
            }
        }
        if (!failures.isEmpty()) {
            throw new JobFailedException("promote-to-replica-source " + candidateId
                    + ": the following instances may not have been switched: " + String.join("; ", failures));
        }
        log.info("Promoted {} in place of {}", candidateId, masterId);
    }

    /** Points one member at the new master; a failure is collected, and the member marked, not thrown. */
    private void follow(JobContext context, Instance member, UUID newMasterId, String stepName,
                        List<String> failures) {
        try {
            Instance newMaster = instances.get(newMasterId);
            context.step(stepName, () -> {
                guests.attach(member, newMaster);
                instances.setReplicaOf(member.id(), newMasterId);
            });
        } catch (RuntimeException e) {
            failures.add(member.id() + ": " + e.getMessage());
            instances.setFault(member.id(), TaskStatus.PROMOTION_ERROR, e.getMessage());
        }
    }

    private static boolean candidateAlreadyPromoted(JobContext context) {
        return context.isDone(PROMOTED);
    }

    private static SwitchoverPlan resumePlan(UUID masterId, UUID candidateId, List<UUID> others) {
        List<SwitchoverPlan.Step> steps = new ArrayList<>();
        steps.add(new PromoteCandidate(candidateId));
        others.forEach(o -> steps.add(new Repoint(o, candidateId)));
        steps.add(new DemoteOldMaster(masterId, candidateId));
        steps.add(new Unpause(masterId));
        return new SwitchoverPlan(masterId, candidateId, steps);
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
