package org.redtrove.taskmanager.sets;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.redtrove.common.Membership;

/**
 * One replica set (DESIGN.md decision 12): who is master, at which configuration epoch. The epoch
 * grows by one on every change of master and is committed before any guest changes a role.
 *
 * @param failoverBlockedUntil no automatic failover of this set before this time (anti-flapping)
 */
public record ReplicaSet(UUID id, String projectId, String name, UUID masterId, long epoch,
                         OffsetDateTime failoverBlockedUntil) {

    public Membership membership() {
        return new Membership(id, epoch);
    }
}
