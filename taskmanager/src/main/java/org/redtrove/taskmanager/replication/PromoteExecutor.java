package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.redtrove.common.JobKind;
import org.redtrove.common.Membership;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.redtrove.taskmanager.jobs.JobRunner;
import org.redtrove.taskmanager.replication.SwitchoverPlan.AwaitCatchUp;
import org.redtrove.taskmanager.replication.SwitchoverPlan.CommitEpoch;
import org.redtrove.taskmanager.replication.SwitchoverPlan.DemoteOldMaster;
import org.redtrove.taskmanager.replication.SwitchoverPlan.PauseWrites;
import org.redtrove.taskmanager.replication.SwitchoverPlan.PromoteCandidate;
import org.redtrove.taskmanager.replication.SwitchoverPlan.Repoint;
import org.redtrove.taskmanager.replication.SwitchoverPlan.Unpause;
import org.redtrove.taskmanager.sets.ReplicaSet;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Carries out a planned switchover ({@link SwitchoverPlanner}) without losing an acknowledged
 * write: the old master stops taking writes, the candidate catches up to its exact offset, the
 * candidate is committed as master at the next epoch, the old master is demoted, the candidate
 * promoted, the others re-pointed and the pause lifted. If the candidate cannot catch up in time,
 * the master is unpaused and the set is left exactly as it was. A job resumed after the commit
 * rolls forward from what Redis shows (SwitchoverPlanner#resume), never back into a refusal.
 */
@Component
public class PromoteExecutor implements JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(PromoteExecutor.class);
    static final String COMMIT = "commit";

    private final InstanceRepository instances;
    private final ReplicaSetRepository sets;
    private final ReplicationGuests guests;
    private final Repointing repointing;
    private final MasterSettings masterSettings;
    private final ReplicationProperties properties;

    public PromoteExecutor(InstanceRepository instances, ReplicaSetRepository sets, ReplicationGuests guests,
                           Repointing repointing, MasterSettings masterSettings, ReplicationProperties properties) {
        this.instances = instances;
        this.sets = sets;
        this.guests = guests;
        this.repointing = repointing;
        this.masterSettings = masterSettings;
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
        ReplicaSet set = sets.ofInstance(candidateId);
        Map<UUID, Instance> members = instances.membersOf(set.id()).stream()
                .collect(Collectors.toMap(Instance::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        Instance master = instances.get(masterId);
        members.putIfAbsent(masterId, master);
        List<UUID> others = members.keySet().stream()
                .filter(id -> !id.equals(candidateId) && !id.equals(masterId)).toList();

        boolean committed = context.isDone(COMMIT);
        SwitchoverPlan plan;
        if (committed) {
            ReplicaObservation old = guests.observe(master);
            boolean stillMaster = old.info() != null && !old.info().isReplica();
            plan = SwitchoverPlanner.resume(masterId, candidateId, others, stillMaster);
        } else {
            var decision = SwitchoverPlanner.plan(guests.observe(master), guests.observe(members.get(candidateId)),
                    others);
            plan = decision.plan().orElseThrow(() -> new JobFailedException(decision.refusal()));
        }
        context.progress("plan", plan.steps().stream().map(s -> s.getClass().getSimpleName()).toList());
        String replicationPassword = sets.replicationPassword(set.id());

        Switch run = new Switch(context, set, members, replicationPassword, committed);
        try {
            for (SwitchoverPlan.Step step : plan.steps()) {
                run.perform(step);
            }
        } finally {
            run.unpauseIfStillPaused();
            if (!run.committed) {
                context.progress("outcome", "unchanged");
            }
        }
        run.recordFigures();
        masterSettings.apply(set.id());
        Set<UUID> failed = Repointing.failedIds(run.failures);
        for (Instance member : members.values()) {
            if (!failed.contains(member.id())) {
                instances.setTask(member.id(), TaskStatus.NONE);
                instances.clearFault(member.id());
            }
        }
        if (!run.failures.isEmpty()) {
            throw new JobFailedException("promote-to-replica-source " + candidateId
                    + ": the following instances may not have been switched: " + Repointing.describe(run.failures));
        }
        log.info("Promoted {} in place of {} (epoch {})", candidateId, masterId, run.membership.epoch());
    }

    /** One run of a plan: what it did so far, so that a failure can be undone or reported. */
    private final class Switch {

        private final JobContext context;
        private final ReplicaSet set;
        private final Map<UUID, Instance> members;
        private final String replicationPassword;
        private final Map<String, Instance> followers = new LinkedHashMap<>();
        private List<Repointing.Failure> failures = new ArrayList<>();
        private boolean committed;
        private boolean paused;
        private long pausedOffset = -1;
        private long pausedAt;
        private long pauseMillis = -1;
        private Membership membership;

        Switch(JobContext context, ReplicaSet set, Map<UUID, Instance> members, String replicationPassword,
               boolean committed) {
            this.context = context;
            this.set = set;
            this.members = members;
            this.replicationPassword = replicationPassword;
            this.committed = committed;
            this.membership = context.result(COMMIT, Membership.class).orElse(null);
        }

        void perform(SwitchoverPlan.Step step) {
            if (step instanceof PauseWrites p) {
                pause(members.get(p.master()));
            } else if (step instanceof AwaitCatchUp a) {
                awaitCatchUp(members.get(a.candidate()));
            } else if (step instanceof CommitEpoch c) {
                membership = context.commit(COMMIT, Membership.class,
                        () -> sets.commitMaster(set.id(), set.epoch(), c.candidate()));
                committed = true;
            } else if (step instanceof DemoteOldMaster d) {
                // An old master that cannot be reached now is paused, and is fenced when it is back.
                try {
                    context.step("demote-old-master", () -> guests.demote(members.get(d.oldMaster()),
                            members.get(d.newMaster()), membership, replicationPassword));
                } catch (RuntimeException e) {
                    if (JobRunner.isDatabaseLoss(e)) {
                        throw e;
                    }
                    failures.add(new Repointing.Failure(d.oldMaster(), e.getMessage()));
                }
            } else if (step instanceof PromoteCandidate p) {
                context.step("promote-candidate", () -> guests.becomeMaster(members.get(p.candidate()), membership));
                repointing.disconnectOldMastersClients(context, members.get(context.job().params().sourceId()));
            } else if (step instanceof Repoint r) {
                followers.put("repoint-" + r.replica(), members.get(r.replica()));
            } else if (step instanceof Unpause u) {
                // The followers are independent of each other: all of them at once, so the pause
                // lasts one round trip for them instead of one per member.
                failures.addAll(repointing.repoint(context, followers, context.job().instanceId(), membership,
                        replicationPassword, TaskStatus.PROMOTION_ERROR));
                unpause(members.get(u.oldMaster()));
            }
        }

        private void pause(Instance master) {
            try {
                pausedOffset = guests.pauseWrites(master);
                pausedAt = System.nanoTime();
                paused = true;
            } catch (RuntimeException e) {
                if (!committed) {
                    throw e;
                }
                // Resuming a committed switchover: an old master that cannot be paused is gone or
                // already demoted; carry on.
                log.warn("Could not pause {} again while resuming: {}", master.id(), e.getMessage());
            }
        }

        private void awaitCatchUp(Instance candidate) {
            if (!paused) {
                return;
            }
            if (!guests.awaitOffset(candidate, pausedOffset)) {
                if (committed) {
                    log.warn("Replica {} did not reach offset {} while resuming; promoting it as it is",
                            candidate.id(), pausedOffset);
                    return;
                }
                throw new JobFailedException("Replica " + candidate.id() + " did not reach the source's offset "
                        + pausedOffset + " within " + properties.catchUpTimeout().toMillis()
                        + " ms; the replica set was left as it was.");
            }
        }

        private void unpause(Instance master) {
            try {
                guests.unpause(master);
                if (paused) {
                    pauseMillis = (System.nanoTime() - pausedAt) / 1_000_000;
                }
                paused = false;
            } catch (RuntimeException e) {
                // Redis lifts the pause by itself after pauseTimeout.
                log.warn("Could not unpause {}: {}", master.id(), e.getMessage());
            }
        }

        void unpauseIfStillPaused() {
            if (paused) {
                unpause(members.get(context.job().params().sourceId()));
            }
        }

        void recordFigures() {
            if (pausedOffset >= 0) {
                context.progress("pausedOffset", pausedOffset);
            }
            if (pauseMillis >= 0) {
                context.progress("writePauseMillis", pauseMillis);
            }
            context.progress("epoch", membership.epoch());
        }
    }

    @Override
    public void failed(Job job, String error) {
        UUID masterId = job.params().sourceId();
        List<UUID> members = new ArrayList<>();
        members.add(masterId);
        members.add(job.instanceId());
        Instance candidate = instances.get(job.instanceId());
        if (candidate.replicaSetId() != null) {
            instances.membersOf(candidate.replicaSetId()).forEach(m -> members.add(m.id()));
        }
        for (UUID id : members.stream().distinct().toList()) {
            if (instances.get(id).taskStatus() == TaskStatus.PROMOTING) {
                instances.setTask(id, TaskStatus.NONE);
            }
        }
        instances.setFault(job.instanceId(), TaskStatus.NONE, error);
    }
}
