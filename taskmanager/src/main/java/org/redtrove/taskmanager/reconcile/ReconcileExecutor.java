package org.redtrove.taskmanager.reconcile;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.redtrove.common.Fencing;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.JobKind;
import org.redtrove.common.RedisState;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.redtrove.taskmanager.failover.FailoverProperties;
import org.redtrove.taskmanager.failover.FailureAnalyzer;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.redtrove.taskmanager.jobs.JobRunner;
import org.redtrove.taskmanager.replication.ReplicaObservation;
import org.redtrove.taskmanager.replication.ReplicationGuests;
import org.redtrove.taskmanager.sets.ReplicaSet;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.redtrove.taskmanager.sets.SetFencing;
import org.redtrove.taskmanager.topology.MemberView;
import org.redtrove.taskmanager.topology.SetView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Repairs a set the supervisor found diverging from its record: it asks every member's guest how
 * it is now (the heartbeats the supervisor read may be a second old), plans again with
 * {@link Reconciler}, and carries out each repair as a step of its own. The plan, and what could
 * not be done, are kept on the job.
 */
@Component
public class ReconcileExecutor implements JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(ReconcileExecutor.class);

    private final InstanceRepository instances;
    private final ReplicaSetRepository sets;
    private final ReplicationGuests guests;
    private final GuestCalls calls;
    private final SetFencing fencing;
    private final FailoverProperties failover;
    private final TaskManagerProperties properties;

    public ReconcileExecutor(InstanceRepository instances, ReplicaSetRepository sets, ReplicationGuests guests,
                             GuestCalls calls, SetFencing fencing, FailoverProperties failover,
                             TaskManagerProperties properties) {
        this.instances = instances;
        this.sets = sets;
        this.guests = guests;
        this.calls = calls;
        this.fencing = fencing;
        this.failover = failover;
        this.properties = properties;
    }

    @Override
    public JobKind kind() {
        return JobKind.RECONCILE;
    }

    @Override
    public void execute(JobContext context) {
        ReplicaSet set = sets.ofInstance(context.job().instanceId());
        List<Instance> members = instances.membersOf(set.id());
        Map<UUID, Instance> byId = members.stream().collect(Collectors.toMap(Instance::id, Function.identity()));
        SetView now = observeNow(set, members);
        long bound = failover.detection().toMillis();
        var analysis = FailureAnalyzer.analyze(now, bound, failover.reportFreshness().toMillis(),
                properties.hostFreshness().toMillis(), OffsetDateTime.now());
        Fencing desired = fencing.desired(set.masterId(), members);
        List<Repair> plan = Reconciler.plan(now, Long.MAX_VALUE, desired, analysis.situation(), failover.automatic());
        context.progress("plan", plan.stream().map(r -> r.getClass().getSimpleName() + " " + r.instanceId() + ": "
                + r.why()).toList());
        if (context.job().params().reason() != null) {
            context.progress("reason", context.job().params().reason());
        }
        String replicationPassword = sets.replicationPassword(set.id());
        Instance master = byId.get(set.masterId());
        List<String> failures = new ArrayList<>();
        for (Repair repair : plan) {
            Instance member = byId.get(repair.instanceId());
            try {
                context.step(stepName(repair), () -> apply(repair, member, master, set, replicationPassword));
            } catch (RuntimeException e) {
                if (JobRunner.isDatabaseLoss(e)) {
                    throw e; // not this repair's failure: the job resumes once the database is back
                }
                failures.add(repair.instanceId() + ": " + e.getMessage());
            }
        }
        log.info("Reconciled replica set {} (epoch {}): {} repairs, {} failed", set.name(), set.epoch(),
                plan.size(), failures.size());
        if (!failures.isEmpty()) {
            throw new JobFailedException("Replica set " + set.name() + " could not be fully repaired: "
                    + String.join("; ", failures));
        }
    }

    private void apply(Repair repair, Instance member, Instance master, ReplicaSet set, String replicationPassword) {
        if (repair instanceof Repair.MakeMaster) {
            guests.becomeMaster(member, set.membership());
        } else if (repair instanceof Repair.MakeReplica r) {
            if (r.restartIfUnresponsive()) {
                String failure = guests.fence(member, master, set.membership(), replicationPassword);
                if (failure != null) {
                    throw new JobFailedException(failure);
                }
            } else {
                guests.follow(member, master, set.membership(), replicationPassword);
            }
        } else if (repair instanceof Repair.ApplyFencing f) {
            guests.configureSource(member, 0, f.fencing());
        } else if (repair instanceof Repair.RestartInPlace) {
            GuestReply reply = calls.call(member.hostId(), new GuestRequest.Prepare(member.id(), member.password(),
                    member.maxmemoryBytes(), set.membership(), replicationPassword));
            if (!reply.isOk()) {
                throw new JobFailedException(reply.error());
            }
        } else if (repair instanceof Repair.UpgradeAccess u) {
            guests.configureAccess(member, replicationPassword, u.restrictTenant());
        }
        // Diverged: nothing is safe; the supervisor shows it.
    }

    private static String stepName(Repair repair) {
        return repair.getClass().getSimpleName() + "-" + repair.instanceId();
    }

    /** The set as its guests answer now; a member whose guest does not answer counts as silent. */
    private SetView observeNow(ReplicaSet set, List<Instance> members) {
        List<ReplicaObservation> observed = guests.observeAll(members);
        MemberView master = null;
        List<MemberView> replicas = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Instance member = members.get(i);
            ReplicaObservation o = observed.get(i);
            boolean answered = o.report() != null;
            boolean running = answered && o.report().state() == RedisState.RUNNING;
            MemberView view = new MemberView(member.id(), member.name(),
                    member.hostAddress() == null ? null : member.hostAddress() + ":" + member.port(),
                    member.taskStatus(), answered ? 0 : -1, answered ? 0 : -1, running ? 0 : -1, o.report());
            if (member.id().equals(set.masterId())) {
                master = view;
            } else {
                replicas.add(view);
            }
        }
        return new SetView(set, master, replicas);
    }

    @Override
    public void failed(Job job, String error) {
        // Nothing to undo: every repair moves a member towards the record. The supervisor tries again.
    }
}
