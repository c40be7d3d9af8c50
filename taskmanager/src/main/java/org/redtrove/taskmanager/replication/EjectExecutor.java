package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.redtrove.common.JobKind;
import org.redtrove.common.TaskStatus;
import org.redtrove.common.Wire;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Unplanned failover away from a failed source: every reachable replica is asked for its
 * replication state at once, {@link CandidateRanking} chooses the most current one, which is
 * promoted, and the others are re-pointed to it. The ranking is kept on the job for the user. The
 * old master leaves the set; nothing is sent to it, since it is the instance that failed.
 */
@Component
public class EjectExecutor implements JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(EjectExecutor.class);
    private static final String PROMOTED = "promote-chosen";

    private final InstanceRepository instances;
    private final ReplicationGuests guests;
    private final Repointing repointing;

    public EjectExecutor(InstanceRepository instances, ReplicationGuests guests, Repointing repointing) {
        this.instances = instances;
        this.guests = guests;
        this.repointing = repointing;
    }

    @Override
    public JobKind kind() {
        return JobKind.EJECT;
    }

    @Override
    public void execute(JobContext context) {
        UUID masterId = context.job().instanceId();
        UUID chosenId;
        if (context.isDone(PROMOTED)) {
            chosenId = Wire.fromJson(context.recorded("chosen").orElseThrow(), UUID.class);
        } else {
            List<Instance> replicas = instances.replicasOf(masterId);
            String history = instances.lastReportedReplId(masterId).orElse(null);
            CandidateRanking.Ranking ranking = CandidateRanking.rank(guests.observeAll(replicas), history);
            context.progress("ranking", ranking);
            chosenId = ranking.chosen().orElseThrow(() -> new JobFailedException(
                    "No replica of " + masterId + " can take over: " + ranking.excluded().stream()
                            .map(e -> e.instanceId() + " " + e.reason()).toList()));
            context.progress("chosen", chosenId);
            Instance chosen = instances.get(chosenId);
            context.step(PROMOTED, () -> {
                guests.detach(chosen);
                instances.setReplicaOf(chosenId, null);
            });
            log.info("Ejected {}: promoted {}", masterId, chosenId);
        }
        Map<String, Instance> followers = new LinkedHashMap<>();
        instances.replicasOf(masterId).forEach(r -> followers.put("repoint-" + r.id(), r));
        List<Repointing.Failure> failures = repointing.repoint(context, followers, chosenId,
                TaskStatus.EJECTION_ERROR);
        instances.setTask(masterId, TaskStatus.NONE);
        instances.setTask(chosenId, TaskStatus.NONE);
        instances.clearFault(chosenId);
        Set<UUID> failed = Repointing.failedIds(failures);
        for (Instance replica : instances.replicasOf(chosenId)) {
            if (!failed.contains(replica.id())) {
                instances.setTask(replica.id(), TaskStatus.NONE);
            }
        }
        if (!failures.isEmpty()) {
            throw new JobFailedException("eject-replica-source " + masterId
                    + ": the following replicas may not follow the new source " + chosenId + ": "
                    + Repointing.describe(failures));
        }
    }

    @Override
    public void failed(Job job, String error) {
        UUID masterId = job.instanceId();
        List<UUID> members = new ArrayList<>(List.of(masterId));
        instances.replicasOf(masterId).forEach(r -> members.add(r.id()));
        for (UUID id : members) {
            if (instances.get(id).taskStatus() == TaskStatus.EJECTING) {
                instances.setTask(id, TaskStatus.NONE);
            }
        }
        instances.setFault(masterId, TaskStatus.NONE, error);
    }
}
