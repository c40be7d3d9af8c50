package org.redtrove.taskmanager.replication;

import java.util.List;
import java.util.UUID;

/**
 * The ordered steps of a planned switchover (DESIGN.md decision 8). Everything before
 * {@link Step.PromoteCandidate} can be undone by unpausing the old master; from the promotion on,
 * the set is committed to the new master and the remaining steps are carried through. The
 * {@link Repoint} and {@link DemoteOldMaster} steps between the promotion and the unpause do not
 * depend on one another, and the executor runs them at once.
 */
public record SwitchoverPlan(UUID oldMaster, UUID candidate, List<Step> steps) {

    public sealed interface Step {
        /** True for the steps after which the set can no longer be put back as it was. */
        default boolean committed() {
            return false;
        }
    }

    /** CLIENT PAUSE WRITE on the old master: from here no acknowledged write can be lost. */
    public record PauseWrites(UUID master) implements Step {
    }

    /** Wait until the candidate has processed every write the master acknowledged. */
    public record AwaitCatchUp(UUID candidate, UUID master) implements Step {
    }

    /** REPLICAOF NO ONE on the candidate; it keeps the replication id as its replid2. */
    public record PromoteCandidate(UUID candidate) implements Step {
        @Override
        public boolean committed() {
            return true;
        }
    }

    /** Point another replica at the new master; it continues with a partial resync. */
    public record Repoint(UUID replica, UUID newMaster) implements Step {
        @Override
        public boolean committed() {
            return true;
        }
    }

    /** The old master becomes a replica of the new one, also by partial resync. */
    public record DemoteOldMaster(UUID oldMaster, UUID newMaster) implements Step {
        @Override
        public boolean committed() {
            return true;
        }
    }

    /** Lift the pause; the old master's clients now get READONLY and move to the new master. */
    public record Unpause(UUID oldMaster) implements Step {
        @Override
        public boolean committed() {
            return true;
        }
    }
}
