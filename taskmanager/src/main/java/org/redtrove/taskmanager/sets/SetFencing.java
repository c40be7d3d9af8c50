package org.redtrove.taskmanager.sets;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.redtrove.common.Fencing;
import org.redtrove.taskmanager.failover.FailoverProperties;
import org.redtrove.taskmanager.instances.Health;
import org.redtrove.taskmanager.instances.Instance;
import org.springframework.stereotype.Component;

/**
 * What a set's master should do to protect its writes, from how many healthy replicas it has:
 * with at least one, refuse writes when cut off from all of them (if fencing is on), and let a
 * crashed master wait for the taskmanager instead of restarting on its own (if automatic
 * failover is on), because its replicas may hold writes its AOF lost. A master with no healthy
 * replica does neither: nobody could take over, and refusing writes would only stop the set.
 */
@Component
public class SetFencing {

    private final FailoverProperties properties;

    public SetFencing(FailoverProperties properties) {
        this.properties = properties;
    }

    /** @param healthyReplicas members other than the master that the supervisor judges healthy */
    public Fencing desired(int healthyReplicas) {
        if (healthyReplicas == 0) {
            return Fencing.NONE;
        }
        int maxLag = (int) Math.max(1, properties.fencingMaxLag().toSeconds());
        return new Fencing(properties.fencing() ? 1 : 0, maxLag, properties.automatic());
    }

    /** For the set's master, from the members' recorded health. */
    public Fencing desired(UUID masterId, List<Instance> members) {
        return desired(masterId, members, Set.of());
    }

    /**
     * @param inSync replicas known to be in sync although the supervisor has not judged them yet
     *               (an attach that just saw them reach the master's offset)
     */
    public Fencing desired(UUID masterId, List<Instance> members, Set<UUID> inSync) {
        return desired((int) members.stream()
                .filter(m -> !m.id().equals(masterId) && !m.deleted()
                        && (m.health() == Health.HEALTHY || inSync.contains(m.id())))
                .count());
    }
}
