package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.JobKind;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.ServerStatus;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.redtrove.taskmanager.build.InstanceBuilder;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.redtrove.taskmanager.jobs.JobRunner;
import org.redtrove.taskmanager.sets.ReplicaSet;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.redtrove.taskmanager.sets.SetFencing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds replicas of a source and attaches them all at once; Redis's own full sync copies the
 * data, with no backup and restore. A replica becomes ACTIVE only when its link is up, no sync is
 * running and it has reached the source's offset of the moment it was attached (DESIGN.md
 * decision 6). One replica failing leaves the others, and the source, as they are.
 */
@Component
public class AttachReplicasExecutor implements JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(AttachReplicasExecutor.class);

    private final InstanceRepository instances;
    private final ReplicaSetRepository sets;
    private final InstanceBuilder builder;
    private final ReplicationGuests guests;
    private final MasterSettings masterSettings;
    private final SetFencing fencing;
    private final TaskManagerProperties properties;
    private final ReplicationProperties replication;

    public AttachReplicasExecutor(InstanceRepository instances, ReplicaSetRepository sets, InstanceBuilder builder,
                                  ReplicationGuests guests, MasterSettings masterSettings, SetFencing fencing,
                                  TaskManagerProperties properties, ReplicationProperties replication) {
        this.instances = instances;
        this.sets = sets;
        this.builder = builder;
        this.guests = guests;
        this.masterSettings = masterSettings;
        this.fencing = fencing;
        this.properties = properties;
        this.replication = replication;
    }

    @Override
    public JobKind kind() {
        return JobKind.ATTACH_REPLICAS;
    }

    @Override
    public void execute(JobContext context) {
        Instance source = instances.get(context.job().instanceId());
        if (source.deleted() || !source.isPlaced()) {
            throw new JobFailedException("The replica source " + source.id() + " no longer exists.");
        }
        InstanceReport sourceReport = guests.describe(source);
        if (!sourceReport.persistent()) {
            throw new JobFailedException("The replica source " + source.id() + " does not persist its data; "
                    + "a restart would empty it and every replica with it.");
        }
        List<Instance> pending = context.job().params().instanceIds().stream()
                .map(instances::get).filter(r -> !r.deleted() && r.serverStatus() != ServerStatus.ACTIVE).toList();
        // The master keeps the fencing its replicas in sync already call for while the new ones sync.
        guests.configureSource(source, pending.size(), fencing.desired(source.id(),
                instances.membersOf(source.replicaSetId())));
        // Placed one after another, each away from every host the set already has a member on:
        // placed in parallel, each replica avoided only the source's host, and two of them could
        // race onto the same emptiest one, where one host failure takes both.
        for (Instance replica : pending) {
            context.step("place-" + replica.id(), String.class,
                    () -> builder.placeOrKeep(instances.get(replica.id()), memberHosts(source.replicaSetId())));
        }
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<UUID> inSync = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AttachProgress progress = new AttachProgress(context);
        try {
            guests.runParallel(pending.stream().<Runnable>map(replica -> () -> {
                try {
                    attach(context, progress, replica, source);
                    inSync.add(replica.id());
                } catch (RuntimeException e) {
                    if (JobRunner.isDatabaseLoss(e)) {
                        throw e; // not this replica's failure: the job resumes once the database is back
                    }
                    String message = e.getMessage() == null ? e.toString() : e.getMessage();
                    failures.add(replica.id() + ": " + message);
                    progress.stage(replica, "failed: " + message);
                    instances.setFault(replica.id(), TaskStatus.BUILDING_ERROR_REPLICA, message);
                    instances.setServerStatus(replica.id(), ServerStatus.ERROR);
                    log.warn("Replica {} of {} could not be attached: {}", replica.id(), source.id(), message);
                }
            }).toList());
        } finally {
            // The sync delay is only worth paying while several replicas attach at once; the
            // replicas now in sync make the master fence itself.
            masterSettings.apply(source.replicaSetId(), inSync);
        }
        if (!failures.isEmpty()) {
            throw new JobFailedException(failures.size() + " of " + pending.size() + " replicas could not be attached: "
                    + String.join("; ", failures));
        }
    }

    private Set<String> memberHosts(UUID setId) {
        return instances.membersOf(setId).stream().filter(Instance::isPlaced).map(Instance::hostId)
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Each replica's placement (made first, in execute), prepare and REPLICAOF are steps of their own,
     * named after it, so a resumed job neither places a replica twice nor repeats what its guest
     * already did.
     */
    private void attach(JobContext context, AttachProgress progress, Instance replica, Instance source) {
        String hostId = context.step("place-" + replica.id(), String.class,
                () -> builder.placeOrKeep(replica, Set.of(source.hostId())));
        progress.stage(replica, "preparing its redis-server");
        context.step("prepare-" + replica.id(), () -> builder.prepare(instances.get(replica.id()), hostId));
        Instance placed = instances.get(replica.id());
        builder.awaitRunning(placed, properties.buildTimeout());
        ReplicaSet set = sets.get(source.replicaSetId());
        progress.stage(replica, "asking the master for its data");
        context.step("follow-" + replica.id(), () -> guests.follow(placed, instances.get(set.masterId()),
                set.membership(), sets.replicationPassword(set.id())));
        // The source's offset now: every write acknowledged before the attach is below it.
        long target = guests.describe(source).replication().processedOffset();
        awaitInSync(progress, placed, target);
        progress.stage(replica, "in sync");
        instances.markActive(replica.id());
        log.info("Replica {} of {} is in sync at offset >= {}", replica.id(), source.id(), target);
    }

    private void awaitInSync(AttachProgress progress, Instance replica, long target) {
        long deadline = System.nanoTime() + replication.syncTimeout().toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            InstanceReport report = guests.describe(replica);
            ReplicationInfo info = report.replication();
            progress.syncing(replica, info, target);
            if (info != null && info.isReplica() && info.masterLinkUp() && !info.syncInProgress()
                    && info.processedOffset() >= target) {
                return;
            }
            last = info == null ? String.valueOf(report.state())
                    : "link " + (info.masterLinkUp() ? "up" : "down") + (info.syncInProgress() ? ", syncing" : "")
                    + ", offset " + info.processedOffset() + " of " + target;
            // A full sync takes seconds and every probe interrupts a replica that is loading its
            // data, so ask rarely until the link is up, then often to catch the offset.
            boolean linked = info != null && info.masterLinkUp() && !info.syncInProgress();
            JobContext.sleep(linked ? 10 : 250);
        }
        throw new JobFailedException("The replica did not complete its sync within "
                + replication.syncTimeout().toSeconds() + " s (" + last + ").");
    }

    @Override
    public void failed(Job job, String error) {
        // Each replica that failed already carries its own fault; the ones that made it stay ACTIVE.
        for (UUID id : job.params().instanceIds()) {
            Instance replica = instances.get(id);
            if (replica.serverStatus() == ServerStatus.BUILD && !replica.deleted()) {
                instances.setFault(id, TaskStatus.BUILDING_ERROR_REPLICA, error);
                instances.setServerStatus(id, ServerStatus.ERROR);
            }
        }
    }
}
