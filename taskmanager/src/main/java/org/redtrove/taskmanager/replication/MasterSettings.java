package org.redtrove.taskmanager.replication;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.redtrove.common.Fencing;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.sets.ReplicaSet;
import org.redtrove.taskmanager.sets.ReplicaSetRepository;
import org.redtrove.taskmanager.sets.SetFencing;
import org.springframework.stereotype.Component;

/**
 * Gives a set's master the fencing its replicas call for ({@link SetFencing}). Every job that
 * changes who the master is, or how many replicas it has, ends with it; the set supervisor puts
 * it right if a member's health changes it later.
 */
@Component
public class MasterSettings {

    private final ReplicaSetRepository sets;
    private final InstanceRepository instances;
    private final ReplicationGuests guests;
    private final SetFencing fencing;

    public MasterSettings(ReplicaSetRepository sets, InstanceRepository instances, ReplicationGuests guests,
                          SetFencing fencing) {
        this.sets = sets;
        this.instances = instances;
        this.guests = guests;
        this.fencing = fencing;
    }

    /** Applies the desired fencing to the set's master; answers what it applied. */
    public Fencing apply(UUID setId) {
        return apply(setId, Set.of());
    }

    /** @param inSync replicas the caller just saw in sync, before the supervisor judged them */
    public Fencing apply(UUID setId, Set<UUID> inSync) {
        ReplicaSet set = sets.get(setId);
        List<Instance> members = instances.membersOf(setId);
        Instance master = instances.get(set.masterId());
        Fencing desired = fencing.desired(master.id(), members, inSync);
        guests.configureSource(master, 0, desired);
        return desired;
    }
}
