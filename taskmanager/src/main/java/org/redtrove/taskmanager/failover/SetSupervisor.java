package org.redtrove.taskmanager.failover;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.redtrove.common.Situation;
import org.redtrove.common.Wire;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.redtrove.taskmanager.instances.Health;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.JobStarter;
import org.redtrove.taskmanager.reconcile.Reconciler;
import org.redtrove.taskmanager.reconcile.Repair;
import org.redtrove.taskmanager.sets.ReplicaSet;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.redtrove.taskmanager.sets.SetFencing;
import org.redtrove.taskmanager.topology.MemberView;
import org.redtrove.taskmanager.topology.SetView;
import org.redtrove.taskmanager.topology.TopologyReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Watches every set, every check interval, on every taskmanager: analyses it
 * ({@link FailureAnalyzer}), stores the analysis and each member's health, and acts. A set whose
 * master is gone and confirmed so fails over (an EJECT job) when automatic failover is on; a set
 * whose members diverge from the record gets a RECONCILE job. Nothing is started while a member
 * has a job in progress, and every start takes the set's row lock and checks the epoch it was
 * analysed at, so two taskmanagers never start two failovers for one failure.
 */
@Component
public class SetSupervisor {

    private static final Logger log = LoggerFactory.getLogger(SetSupervisor.class);
    /** After a repair was started, the next one for the same set waits at least this long. */
    private static final Duration REPAIR_SPACING = Duration.ofSeconds(1);

    private final TopologyReader topology;
    private final ReplicaSetRepository sets;
    private final InstanceRepository instances;
    private final JobStarter jobs;
    private final SetFencing fencing;
    private final TransactionTemplate tx;
    private final FailoverProperties properties;
    private final long agentTimeoutMillis;
    private final Map<UUID, String> lastAnalysis = new ConcurrentHashMap<>();
    private final Map<UUID, Situation> lastSituation = new ConcurrentHashMap<>();
    private final Map<UUID, Health> lastHealth = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> lastRepair = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public SetSupervisor(TopologyReader topology, ReplicaSetRepository sets, InstanceRepository instances,
                         JobStarter jobs, SetFencing fencing, TransactionTemplate tx, FailoverProperties properties,
                         TaskManagerProperties taskmanager, MeterRegistry meters) {
        this.meters = meters;
        this.topology = topology;
        this.sets = sets;
        this.instances = instances;
        this.jobs = jobs;
        this.fencing = fencing;
        this.tx = tx;
        this.properties = properties;
        this.agentTimeoutMillis = taskmanager.hostFreshness().toMillis();
        for (Situation situation : Situation.values()) {
            if (situation.failsOver()) {
                failovers(situation); // 0 from the start: an alert's increase() sees the first one
            }
        }
    }

    private Counter failovers(Situation situation) {
        return Counter.builder("redtrove.failovers")
                .description("automatic failovers started (EJECT jobs), by the situation that called for one; "
                        + "how each ended is redtrove_job_runs_seconds_count{kind=\"EJECT\"}")
                .tag("situation", situation.name())
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${redtrove.failover.check-interval:100ms}",
            initialDelayString = "${redtrove.failover.check-interval:100ms}")
    public void check() {
        try {
            for (SetView view : topology.sets()) {
                supervise(view);
            }
        } catch (RuntimeException e) {
            log.warn("Set supervision skipped this round: {}", e.getMessage());
        }
    }

    private void supervise(SetView view) {
        if (view.master() == null) {
            return;
        }
        long bound = properties.detection().toMillis();
        Analysis analysis = FailureAnalyzer.analyze(view, bound, properties.reportFreshness().toMillis(),
                agentTimeoutMillis, OffsetDateTime.now());
        List<Repair> repairs = Reconciler.plan(view, agentTimeoutMillis, fencing.desired(healthyReplicas(analysis)),
                analysis.situation(), properties.automatic());
        analysis = withDivergence(analysis, repairs);
        record(view.set(), analysis);
        if (view.busy()) {
            return;
        }
        if (analysis.situation().failsOver() && properties.automatic()) {
            failOver(view, analysis);
        } else if (repairs.stream().anyMatch(r -> !(r instanceof Repair.Diverged))) {
            repair(view, repairs);
        }
    }

    /** Replicas this very analysis judges healthy: the health recorded in the database is a round older. */
    private static int healthyReplicas(Analysis analysis) {
        return (int) analysis.members().stream()
                .filter(m -> m.role().equals("replica") && m.health().equals(Health.HEALTHY.name())).count();
    }

    /** Members in other roles than recorded make the situation DIVERGENT_TOPOLOGY, unless worse holds. */
    private static Analysis withDivergence(Analysis analysis, List<Repair> repairs) {
        List<Repair> roleRepairs = repairs.stream().filter(r -> r instanceof Repair.MakeMaster
                || r instanceof Repair.MakeReplica || r instanceof Repair.Diverged).toList();
        if (roleRepairs.isEmpty()) {
            return analysis;
        }
        List<Analysis.MemberFinding> members = analysis.members().stream().map(f -> roleRepairs.stream()
                        .filter(r -> r.instanceId().equals(f.instanceId())).findFirst()
                        .map(r -> new Analysis.MemberFinding(f.instanceId(), f.name(), f.role(),
                                r instanceof Repair.Diverged ? Health.DIVERGED.name() : f.health(), r.why()))
                        .orElse(f))
                .toList();
        boolean worse = analysis.situation().masterFailed();
        String summary = worse ? analysis.summary() : roleRepairs.size() + " member(s) not in the role the set"
                + " records; " + (roleRepairs.stream().allMatch(r -> r instanceof Repair.Diverged)
                ? "not repaired: that would lose writes" : "repaired by a RECONCILE job");
        return new Analysis(worse ? analysis.situation() : Situation.DIVERGENT_TOPOLOGY, summary, members);
    }

    private void record(ReplicaSet set, Analysis analysis) {
        String json = Wire.toJson(analysis);
        if (!json.equals(lastAnalysis.put(set.id(), json))) {
            sets.recordAnalysis(set.id(), analysis.situation().name(), json);
        }
        Situation before = lastSituation.put(set.id(), analysis.situation());
        if (before != analysis.situation() && (before != null || analysis.situation() != Situation.HEALTHY)) {
            log.info("Replica set {}: {}", set.name(), analysis.summary());
        }
        for (Analysis.MemberFinding member : analysis.members()) {
            Health health = Health.valueOf(member.health());
            if (lastHealth.put(member.instanceId(), health) != health
                    || health != Health.HEALTHY) {
                instances.setHealth(member.instanceId(), health, member.detail());
            }
        }
    }

    private void failOver(SetView view, Analysis analysis) {
        Boolean started = tx.execute(status -> {
            ReplicaSet set = sets.lock(view.set().id());
            if (set.epoch() != view.set().epoch() || !set.masterId().equals(view.master().instanceId())) {
                return false; // another taskmanager failed it over already
            }
            List<UUID> members = view.members().stream().map(MemberView::instanceId).toList();
            if (instances.anyBusyBesidesBackup(members)) {
                return false;
            }
            instances.setTask(members, org.redtrove.common.TaskStatus.EJECTING);
            sets.blockFailover(set.id(), properties.blockPeriod());
            jobs.start(JobKind.EJECT, set.projectId(), set.masterId(),
                    JobParams.because("automatic failover: " + analysis.summary()));
            return true;
        });
        if (Boolean.TRUE.equals(started)) {
            failovers(analysis.situation()).increment();
            log.warn("Replica set {}: automatic failover started: {}", view.set().name(), analysis.summary());
        }
    }

    /**
     * Starts a RECONCILE job, unless a repair or any other job on the set was started or finished
     * so recently that not every member has reported since (every member whose agent still
     * reports, for the job rule): the heartbeats read may still show
     * what that job already changed. (Right after an attach, a replica's last report can still
     * show the full sync the attach waited out; weakening the master's fencing on that evidence
     * would let a crash in the next second restart the master instead of failing over.)
     */
    private void repair(SetView view, List<Repair> repairs) {
        Instant now = Instant.now();
        long oldestReport = view.members().stream().mapToLong(MemberView::reportAgeMillis).max().orElse(0);
        Instant last = lastRepair.get(view.set().id());
        if (last != null) {
            long sinceLast = Duration.between(last, now).toMillis();
            if (sinceLast < REPAIR_SPACING.toMillis() || oldestReport < 0 || oldestReport >= sinceLast) {
                return;
            }
        }
        // Members whose agents still report: one that went silent for good (a lost host) has no
        // newer report to wait for, and must not hold up the repairs the others need.
        long oldestLiveReport = view.members().stream().mapToLong(MemberView::reportAgeMillis)
                .filter(age -> age >= 0 && age < agentTimeoutMillis).max().orElse(-1);
        long sinceJob = instances.millisSinceLastJobFinished(view.members().stream().map(MemberView::instanceId)
                .toList());
        if (sinceJob >= 0 && oldestLiveReport >= sinceJob) {
            return;
        }
        lastRepair.put(view.set().id(), now);
        String reason = String.join("; ", repairs.stream().filter(r -> !(r instanceof Repair.Diverged))
                .map(r -> r.instanceId() + " " + r.why()).toList());
        tx.executeWithoutResult(status -> {
            ReplicaSet set = sets.lock(view.set().id());
            List<UUID> members = view.members().stream().map(MemberView::instanceId).toList();
            if (set.epoch() == view.set().epoch() && !instances.anyBusy(members)
                    && !instances.anyUnfinishedJob(members)) {
                jobs.start(JobKind.RECONCILE, set.projectId(), set.masterId(), JobParams.because(reason));
            }
        });
    }
}
