package org.redtrove.taskmanager.replication;

import java.util.List;
import java.util.UUID;

/**
 * The ordered steps of a planned switchover (DESIGN.md decisions 8 and 12). Everything before
 * {@link CommitEpoch} can be undone by unpausing the old master; the commit records the candidate
 * as master at the next epoch before any guest changes a role, and from there the set is carried
 * through to the new master, also by a resumed job.
 *
 * <p>The old master is demoted before the candidate is promoted: for the instant between the two
 * the set has no master at all (writes wait on the pause), never two.
 */
public record SwitchoverPlan(UUID oldMaster, UUID candidate, List<Step> steps) {

    public sealed interface Step {
        /** True for the steps after which the set can no longer be put back as it was. */
        default boolean committed() {
            return true;
        }
    }

    /** CLIENT PAUSE WRITE on the old master: from here no acknowledged write can be lost. */
    public record PauseWrites(UUID master) implements Step {
        @Override
        public boolean committed() {
            return false;
        }
    }

    /** Wait until the candidate has processed every write the master acknowledged. */
    public record AwaitCatchUp(UUID candidate, UUID master) implements Step {
        @Override
        public boolean committed() {
            return false;
        }
    }

    /** Record the candidate as the set's master at the next epoch: the commit point. */
    public record CommitEpoch(UUID candidate) implements Step {
    }

    /** The old master becomes a replica of the candidate; it continues by partial resync. */
    public record DemoteOldMaster(UUID oldMaster, UUID newMaster) implements Step {
    }

    /** REPLICAOF NO ONE on the candidate; it keeps the replication id as its replid2. */
    public record PromoteCandidate(UUID candidate) implements Step {
    }

    /** Point another replica at the new master; it continues with a partial resync. */
    public record Repoint(UUID replica, UUID newMaster) implements Step {
    }

    /** Lift the pause; the old master's clients now get READONLY and move to the new master. */
    public record Unpause(UUID oldMaster) implements Step {
    }
}
