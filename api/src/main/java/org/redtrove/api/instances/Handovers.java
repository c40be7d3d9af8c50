package org.redtrove.api.instances;

import java.util.UUID;
import org.springframework.stereotype.Component;

/** The one instance change an operator starts from outside a tenant's project: a master handed over. */
@Component
public class Handovers {

    private final InstanceService instances;

    Handovers(InstanceService instances) {
        this.instances = instances;
    }

    /**
     * Queues a planned switchover to this replica, exactly as {@code promote-to-replica-source} does
     * (no acknowledged write is lost); fails as that does when the set is busy.
     */
    public void promote(UUID replicaId) {
        instances.promote(replicaId);
    }
}
