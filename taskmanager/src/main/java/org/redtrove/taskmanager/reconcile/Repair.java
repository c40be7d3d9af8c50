package org.redtrove.taskmanager.reconcile;

import java.util.UUID;
import org.redtrove.common.Fencing;

/** One thing the reconciler would do to a member, and why: a record of the plan, shown on the job. */
public sealed interface Repair {

    UUID instanceId();

    String why();

    /** BecomeMaster at the set's membership. */
    record MakeMaster(UUID instanceId, String why) implements Repair {
    }

    /**
     * Follow the set's master at the set's membership.
     *
     * @param restartIfUnresponsive for an old master: if it is hung, restart it as a replica
     */
    record MakeReplica(UUID instanceId, boolean restartIfUnresponsive, String why) implements Repair {
    }

    /** Give the master the fencing its healthy replicas call for. */
    record ApplyFencing(UUID instanceId, Fencing fencing, String why) implements Repair {
    }

    /** Start a master its guest holds after an exit, in place: no replica can take over. */
    record RestartInPlace(UUID instanceId, String why) implements Repair {
    }

    /** Move an instance created before ACLs to them (first the users, then the tenant's restriction). */
    record UpgradeAccess(UUID instanceId, boolean restrictTenant, String why) implements Repair {
    }

    /** Nothing safe to do: the member is shown DIVERGED with this reason until someone acts. */
    record Diverged(UUID instanceId, String why) implements Repair {
    }
}
