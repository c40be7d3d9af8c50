package org.redtrove.taskmanager.failover;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.Situation;
import org.redtrove.taskmanager.instances.Health;
import org.redtrove.taskmanager.topology.MemberView;
import org.redtrove.taskmanager.topology.SetView;

/**
 * Names the situation of a set (DESIGN.md decision 12), in one place and without side effects.
 *
 * <p>Two views are combined, as orchestrator does, so that neither alone can cause a failover:
 * the master's own health as its guest agent reports it (the agent silent, the process gone, or
 * Redis not answering the agent for the detection bound), and what each replica sees (its link to
 * the master down, or the master not answering the replica's own agent for the detection bound).
 * The master counts as gone only when it is bad by its own account and every replica whose agent
 * reported recently confirms it; a single replica that still hears the master vetoes a failover,
 * because then the fault is between us and the master, not the master itself. A stall shorter
 * than the detection bound is therefore never a failure.
 *
 * <p>A process that exited is confirmed by the replicas' links going down, which happens at once;
 * a hung process keeps its connections open, so the replicas confirm it by silence, after the
 * bound.
 *
 * <p>Silence is judged only from fresh reports. A report says how long Redis had been silent when
 * it was sent; agents report every 100 ms while something looks wrong and send an all-clear at
 * once when it is over, but every second otherwise, so an older report only says that nothing
 * was wrong then. Adding its age to the silence it showed would turn every short stall into a
 * long one.
 */
public final class FailureAnalyzer {

    private FailureAnalyzer() {
    }

    /** How the master is, by its own agent's account; NEW: being built, its guest has not reported it yet. */
    enum MasterState { OK, NEW, EXITED, HUNG, LOST }

    /**
     * @param boundMillis        the detection bound ({@code redtrove.failover.detection})
     * @param agentTimeoutMillis how long an agent may stay silent before a member counts as
     *                           unreachable on that alone ({@code redtrove.taskmanager.host-freshness}):
     *                           agents report every second or so, so a master whose agent is a little
     *                           late while its replicas hear it is simply healthy
     * @param freshMillis        how young a report must be to show a silence that lasts now
     *                           ({@code redtrove.failover.report-freshness})
     * @param now                the database's now, for the anti-flapping block
     */
    public static Analysis analyze(SetView view, long boundMillis, long freshMillis, long agentTimeoutMillis,
                                   OffsetDateTime now) {
        Bounds bounds = new Bounds(boundMillis, freshMillis);
        MemberView master = view.master();
        List<Analysis.MemberFinding> findings = new ArrayList<>();
        MasterState state = master == null ? MasterState.LOST : masterState(master, bounds);
        if (master != null) {
            findings.add(finding(master, "master", masterHealth(state, master, boundMillis)));
        }
        if (state == MasterState.LOST && master != null && master.hostSilenceMillis() >= 0
                && master.hostSilenceMillis() < agentTimeoutMillis && !confirmedByAll(view, state, bounds)) {
            state = MasterState.OK; // a late heartbeat, not a lost host
            findings.set(0, finding(master, "master", new Finding(Health.HEALTHY, null)));
        }
        List<MemberView> fresh = new ArrayList<>();
        boolean anyHears = false;
        boolean allConfirm = true;
        boolean degraded = false;
        List<MemberView> usable = new ArrayList<>();
        for (MemberView replica : view.replicas()) {
            Finding health = replicaHealth(replica, boundMillis, agentTimeoutMillis);
            findings.add(finding(replica, "replica", health));
            degraded |= health.health() != Health.HEALTHY;
            if (!replica.freshWithin(boundMillis) || !replica.running() || replica.replication() == null
                    || !replica.replication().isReplica()) {
                continue;
            }
            fresh.add(replica);
            boolean hears = hearsMaster(replica, bounds);
            anyHears |= hears;
            allConfirm &= !hears && confirmsGone(replica, state, bounds);
            if (usable(replica.replication())) {
                usable.add(replica);
            }
        }
        if (state == MasterState.OK || state == MasterState.NEW) {
            return new Analysis(degraded ? Situation.DEGRADED : Situation.HEALTHY,
                    degraded ? "The master answers; not every replica is in sync with it." : "Every member answers.",
                    findings);
        }
        if (view.replicas().isEmpty()) {
            return new Analysis(Situation.DEAD_MASTER_UNCONFIRMED, "The master does not answer ("
                    + findings.get(0).detail() + ") and the set has no replica to take over.", findings);
        }
        if (anyHears) {
            return new Analysis(Situation.UNREACHABLE_MASTER, "The master's agent cannot see it ("
                    + findings.get(0).detail() + "), but its replicas still hear it: no failover.", findings);
        }
        if (fresh.isEmpty()) {
            return new Analysis(Situation.DEAD_MASTER_UNCONFIRMED, "The master does not answer ("
                    + findings.get(0).detail() + "), and no replica's agent has reported recently enough"
                    + " to confirm it: no failover.", findings);
        }
        if (!allConfirm) {
            return new Analysis(Situation.UNREACHABLE_MASTER, "The master does not answer its agent ("
                    + findings.get(0).detail() + "), but its replicas do not confirm it yet.", findings);
        }
        Situation failure = switch (state) {
            case EXITED -> Situation.MASTER_PROCESS_EXITED;
            case HUNG -> Situation.HUNG_MASTER;
            default -> Situation.LOST_HOST;
        };
        String what = findings.get(0).detail() + "; " + fresh.size() + " of " + view.replicas().size()
                + " replicas confirm it";
        if (usable.isEmpty()) {
            return new Analysis(Situation.NO_USABLE_REPLICA, failure + ": " + what
                    + ", but no replica has completed a sync with it: no failover.", findings);
        }
        OffsetDateTime blocked = view.set().failoverBlockedUntil();
        if (blocked != null && blocked.isAfter(now)) {
            return new Analysis(Situation.FAILOVER_BLOCKED, failure + ": " + what
                    + ", but the set failed over less than a block period ago (until " + blocked + "): no failover.",
                    findings);
        }
        return new Analysis(failure, failure + ": " + what + ".", findings);
    }

    /** The detection bound, and how young a report must be to show a silence lasting now. */
    record Bounds(long detection, long fresh) {
    }

    static MasterState masterState(MemberView master, Bounds bounds) {
        long boundMillis = bounds.detection();
        if (!master.hasReport() && (master.hostSilenceMillis() < 0 || master.hostSilenceMillis() < boundMillis)) {
            return MasterState.NEW;
        }
        if (!master.hasReport() || master.hostSilenceMillis() >= boundMillis) {
            return MasterState.LOST;
        }
        RedisState redis = master.report().state();
        if (redis == RedisState.STOPPED || redis == RedisState.FAILED) {
            return MasterState.EXITED;
        }
        if (redis == RedisState.STARTING) {
            return MasterState.OK; // just (re)started by its agent: loading, not failed
        }
        boolean silent = master.redisSilenceMillis() < 0 || master.redisSilenceMillis() >= boundMillis;
        return silent && master.reportAgeMillis() <= bounds.fresh() ? MasterState.HUNG : MasterState.OK;
    }

    /** Every replica with fresh evidence confirms the master gone, and there is such evidence. */
    private static boolean confirmedByAll(SetView view, MasterState state, Bounds bounds) {
        List<MemberView> fresh = view.replicas().stream().filter(r -> r.freshWithin(bounds.detection())
                && r.running() && r.replication() != null && r.replication().isReplica()).toList();
        return !fresh.isEmpty() && fresh.stream()
                .allMatch(r -> !hearsMaster(r, bounds) && confirmsGone(r, state, bounds));
    }

    private record Finding(Health health, String detail) {
    }

    private static Finding masterHealth(MasterState state, MemberView master, long boundMillis) {
        return switch (state) {
            case OK -> master.report() != null && master.report().state() == RedisState.STARTING
                    ? new Finding(Health.SYNCING, "Redis is starting")
                    : new Finding(Health.HEALTHY, null);
            case NEW -> new Finding(Health.SYNCING, "being built: its guest has not reported it yet");
            case EXITED -> new Finding(Health.FAILED, "its redis-server exited"
                    + (master.report().held() ? " and waits for the taskmanager" : ""));
            case HUNG -> new Finding(Health.UNREACHABLE, "Redis has not answered its guest agent for "
                    + seconds(master.redisSilenceMillis()));
            case LOST -> new Finding(Health.UNREACHABLE, master.hostSilenceMillis() < 0
                    ? "its guest agent never reported" : "its host's guest agent has been silent for "
                    + seconds(master.hostSilenceMillis()));
        };
    }

    private static Finding replicaHealth(MemberView replica, long boundMillis, long agentTimeoutMillis) {
        if (replica.address() == null && !replica.hasReport()) {
            // The build job has not placed it yet: no host, so no agent that could have reported.
            return new Finding(Health.SYNCING, "being built: not placed on a host yet");
        }
        if (!replica.hasReport() && replica.hostSilenceMillis() >= 0 && replica.hostSilenceMillis() < agentTimeoutMillis) {
            return new Finding(Health.SYNCING, "being built: its guest has not reported it yet");
        }
        if (!replica.freshWithin(agentTimeoutMillis)) {
            return new Finding(Health.UNREACHABLE, replica.hostSilenceMillis() < 0 ? "its guest agent never reported"
                    : "its host's guest agent has been silent for " + seconds(Math.max(replica.hostSilenceMillis(),
                    replica.reportAgeMillis())));
        }
        RedisState redis = replica.report().state();
        if (redis == RedisState.STOPPED || redis == RedisState.FAILED) {
            return new Finding(Health.FAILED, "its redis-server is not running"
                    + (replica.report().detail() == null ? "" : ": " + replica.report().detail()));
        }
        if (redis == RedisState.STARTING) {
            return new Finding(Health.SYNCING, "Redis is starting");
        }
        // A replica is not urgent: it counts as hung after a few detection bounds, not one.
        if (redis != RedisState.RUNNING || replica.redisSilenceMillis() >= Math.max(3 * boundMillis, 3000)) {
            return new Finding(Health.UNREACHABLE, "Redis has not answered its guest agent for "
                    + seconds(replica.redisSilenceMillis()));
        }
        ReplicationInfo info = replica.replication();
        if (info != null && info.isReplica() && (info.syncInProgress() || !info.syncCompleted())) {
            return new Finding(Health.SYNCING, "a full sync with its master is running");
        }
        return new Finding(Health.HEALTHY, null);
    }

    /**
     * The replica's own agent heard the master within the bound, over a link that is up. A report
     * too old to show a lasting silence shows a master the agent heard then, and was not worried
     * about since: that still counts as hearing it.
     */
    static boolean hearsMaster(MemberView replica, Bounds bounds) {
        ReplicationInfo info = replica.replication();
        long silence = info.millisSinceMasterAnswered();
        if (!info.masterLinkUp() || silence < 0) {
            return false;
        }
        return replica.reportAgeMillis() > bounds.fresh() ? silence < bounds.detection()
                : silence + replica.reportAgeMillis() < bounds.detection();
    }

    /**
     * The replica confirms the master is gone. For a process its agent saw exit, the replica's link
     * going down is enough, and comes at once. Otherwise only the replica agent's own PINGs count:
     * the master has not answered them for the bound, by a fresh report. A link that is down alone
     * proves nothing then: replicas also lose it to a resync, or to an output buffer limit.
     */
    static boolean confirmsGone(MemberView replica, MasterState state, Bounds bounds) {
        ReplicationInfo info = replica.replication();
        if (state == MasterState.EXITED) {
            return !info.masterLinkUp();
        }
        long silence = info.millisSinceMasterAnswered();
        return silence >= 0 && replica.reportAgeMillis() <= bounds.fresh()
                && silence + replica.reportAgeMillis() >= bounds.detection();
    }

    /** Fit to take over: holds a complete copy of the master's data, as far as its report says. */
    static boolean usable(ReplicationInfo info) {
        return info.syncCompleted() && !info.syncInProgress();
    }

    private static Analysis.MemberFinding finding(MemberView member, String role, Finding f) {
        return new Analysis.MemberFinding(member.instanceId(), member.name(), role, f.health().name(), f.detail());
    }

    private static String seconds(long millis) {
        return millis < 0 ? "ever" : String.format("%.1f s", millis / 1000.0);
    }
}
