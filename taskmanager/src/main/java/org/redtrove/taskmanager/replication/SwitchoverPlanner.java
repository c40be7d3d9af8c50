package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.ReplicationInfo;

/**
 * Decides whether a planned switchover to {@code candidate} can start, and in which steps. It
 * refuses before touching anything when the candidate could not take over without loss: not
 * linked to the master, never synced, or following another replication history.
 */
public final class SwitchoverPlanner {

    private SwitchoverPlanner() {
    }

    /** Either a plan or the reason there is none. */
    public record Decision(Optional<SwitchoverPlan> plan, String refusal) {

        static Decision of(SwitchoverPlan plan) {
            return new Decision(Optional.of(plan), null);
        }

        static Decision refuse(String reason) {
            return new Decision(Optional.empty(), reason);
        }
    }

    /**
     * @param master    the current master as observed now (info null if unreachable)
     * @param candidate the replica to promote as observed now
     * @param others    the master's other replicas, in the order they should be re-pointed
     */
    public static Decision plan(ReplicaObservation master, ReplicaObservation candidate, List<UUID> others) {
        if (master.info() == null) {
            return Decision.refuse("The replica source " + master.instanceId() + " cannot be reached ("
                    + master.unreachable() + "); eject it instead.");
        }
        ReplicationInfo m = master.info();
        if (m.isReplica()) {
            return Decision.refuse("Instance " + master.instanceId() + " is itself replicating from "
                    + m.masterHost() + ":" + m.masterPort() + ".");
        }
        if (candidate.info() == null) {
            return Decision.refuse("Replica " + candidate.instanceId() + " cannot be reached ("
                    + candidate.unreachable() + ").");
        }
        ReplicationInfo c = candidate.info();
        if (!c.isReplica()) {
            return Decision.refuse("Instance " + candidate.instanceId() + " is not replicating.");
        }
        if (!c.masterLinkUp() || c.syncInProgress() || !c.syncCompleted()) {
            return Decision.refuse("Replica " + candidate.instanceId() + " is not in sync with its source (link "
                    + (c.masterLinkUp() ? "up" : "down") + (c.syncInProgress() ? ", sync in progress" : "") + ").");
        }
        if (m.replId() != null && !m.replId().equals(c.replId())) {
            return Decision.refuse("Replica " + candidate.instanceId() + " follows another replication history.");
        }
        UUID mid = master.instanceId();
        UUID cid = candidate.instanceId();
        List<SwitchoverPlan.Step> steps = new ArrayList<>();
        steps.add(new SwitchoverPlan.PauseWrites(mid));
        steps.add(new SwitchoverPlan.AwaitCatchUp(cid, mid));
        steps.add(new SwitchoverPlan.CommitEpoch(cid));
        steps.addAll(roleChanges(mid, cid, others));
        return Decision.of(new SwitchoverPlan(mid, cid, List.copyOf(steps)));
    }

    /**
     * What a job that stopped after its commit still has to do, from what Redis shows now. While
     * the old master is still a master it may have taken writes since the pause lapsed, so it is
     * paused again and the candidate waits for them before anything changes a role; once the old
     * master was demoted that is over. Every step is idempotent on the guest, so repeating one that
     * had been done before the stop is harmless.
     *
     * @param oldMasterStillMaster whether the old master still reports itself a master
     */
    public static SwitchoverPlan resume(UUID master, UUID candidate, List<UUID> others, boolean oldMasterStillMaster) {
        List<SwitchoverPlan.Step> steps = new ArrayList<>();
        if (oldMasterStillMaster) {
            steps.add(new SwitchoverPlan.PauseWrites(master));
            steps.add(new SwitchoverPlan.AwaitCatchUp(candidate, master));
        }
        steps.addAll(roleChanges(master, candidate, others));
        return new SwitchoverPlan(master, candidate, List.copyOf(steps));
    }

    private static List<SwitchoverPlan.Step> roleChanges(UUID master, UUID candidate, List<UUID> others) {
        List<SwitchoverPlan.Step> steps = new ArrayList<>();
        steps.add(new SwitchoverPlan.DemoteOldMaster(master, candidate));
        steps.add(new SwitchoverPlan.PromoteCandidate(candidate));
        for (UUID other : others) {
            if (!other.equals(candidate)) {
                steps.add(new SwitchoverPlan.Repoint(other, candidate));
            }
        }
        steps.add(new SwitchoverPlan.Unpause(master));
        return steps;
    }
}
