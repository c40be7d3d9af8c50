package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.redtrove.common.JobKind;
import org.redtrove.common.Membership;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.redtrove.taskmanager.sets.ReplicaSet;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.redtrove.taskmanager.topology.TopologyReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Unplanned failover away from a failed master, asked for by an operator or started by the set
 * supervisor on its own: every reachable replica is asked for its replication state at once,
 * {@link CandidateRanking} chooses the most current one (the ranking is kept on the job), and the
 * choice is committed as the set's master at the next epoch before any guest changes a role.
 * Then, at once, the old master is fenced (made a replica of the new one, restarted as one if it
 * is hung; an old master that cannot be reached is fenced when it comes back), the chosen replica
 * is promoted and the others are re-pointed to it. The old master stays in the set, as a replica
 * that rejoins once it is back.
 */
@Component
public class EjectExecutor implements JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(EjectExecutor.class);
    static final String COMMIT = "commit";

    /** What the commit recorded: the replica chosen and the set's membership at the new epoch. */
    public record Choice(UUID chosen, Membership membership) {
    }

    private final InstanceRepository instances;
    private final ReplicaSetRepository sets;
    private final ReplicationGuests guests;
    private final Repointing repointing;
    private final MasterSettings masterSettings;
    private final TopologyReader topology;

    public EjectExecutor(InstanceRepository instances, ReplicaSetRepository sets, ReplicationGuests guests,
                         Repointing repointing, MasterSettings masterSettings,
                         TopologyReader topology) {
        this.instances = instances;
        this.sets = sets;
        this.guests = guests;
        this.repointing = repointing;
        this.masterSettings = masterSettings;
        this.topology = topology;
    }

    @Override
    public JobKind kind() {
        return JobKind.EJECT;
    }

    @Override
    public void execute(JobContext context) {
        UUID masterId = context.job().instanceId();
        ReplicaSet set = sets.ofInstance(masterId);
        if (context.job().params().reason() != null) {
            context.progress("reason", context.job().params().reason());
        }
        Choice choice = context.result(COMMIT, Choice.class).orElseGet(() -> choose(context, set, masterId));
        String replicationPassword = sets.replicationPassword(set.id());
        Instance oldMaster = instances.get(masterId);
        Instance chosen = instances.get(choice.chosen());

        // The old master failed: fencing it must not hold up the promotion, and it cannot race it.
        CompletableFuture<String> fenced = CompletableFuture.supplyAsync(
                () -> guests.fence(oldMaster, chosen, choice.membership(), replicationPassword));
        context.step("promote-chosen", () -> guests.becomeMaster(chosen, choice.membership()));
        Map<String, Instance> followers = new LinkedHashMap<>();
        for (Instance member : instances.membersOf(set.id())) {
            if (!member.id().equals(masterId) && !member.id().equals(choice.chosen())) {
                followers.put("repoint-" + member.id(), member);
            }
        }
        List<Repointing.Failure> failures = repointing.repoint(context, followers, choice.chosen(),
                choice.membership(), replicationPassword, TaskStatus.EJECTION_ERROR);
        String fenceFailure = fenced.join();
        context.progress("oldMasterFenced", fenceFailure == null ? "yes"
                : "not yet: " + fenceFailure + "; it is fenced when its agent reports again");
        if (fenceFailure == null) {
            // The fence ran beside the promotion: a restarted old master may have taken connections
            // from clients not yet told of the new master.
            repointing.disconnectOldMastersClients(context, oldMaster);
        }
        masterSettings.apply(set.id());
        Set<UUID> failed = Repointing.failedIds(failures);
        for (Instance member : instances.membersOf(set.id())) {
            if (!failed.contains(member.id())) {
                instances.setTask(member.id(), TaskStatus.NONE);
            }
        }
        instances.clearFault(choice.chosen());
        log.info("Ejected {}: promoted {} (epoch {})", masterId, choice.chosen(), choice.membership().epoch());
        if (!failures.isEmpty()) {
            throw new JobFailedException("eject-replica-source " + masterId
                    + ": the following replicas may not follow the new source " + choice.chosen() + ": "
                    + Repointing.describe(failures));
        }
    }

    /** Ranks the replicas as they are now and commits the most current one as master. */
    private Choice choose(JobContext context, ReplicaSet set, UUID masterId) {
        List<Instance> replicas = instances.membersOf(set.id()).stream().filter(m -> !m.id().equals(masterId))
                .toList();
        String history = topology.lastReplId(masterId).orElse(null);
        CandidateRanking.Ranking ranking = CandidateRanking.rank(guests.observeAll(replicas), history);
        context.progress("ranking", ranking);
        UUID chosen = ranking.chosen().orElseThrow(() -> new JobFailedException(
                "No replica of " + masterId + " can take over: " + ranking.excluded().stream()
                        .map(e -> e.instanceId() + " " + e.reason()).toList()));
        context.progress("chosen", chosen);
        return context.commit(COMMIT, Choice.class,
                () -> new Choice(chosen, sets.commitMaster(set.id(), set.epoch(), chosen)));
    }

    @Override
    public void failed(Job job, String error) {
        UUID masterId = job.instanceId();
        List<UUID> members = new ArrayList<>(List.of(masterId));
        Instance master = instances.get(masterId);
        if (master.replicaSetId() != null) {
            instances.membersOf(master.replicaSetId()).forEach(r -> members.add(r.id()));
        }
        for (UUID id : members.stream().distinct().toList()) {
            if (instances.get(id).taskStatus() == TaskStatus.EJECTING) {
                instances.setTask(id, TaskStatus.NONE);
            }
        }
        instances.setFault(masterId, TaskStatus.NONE, error);
    }
}
