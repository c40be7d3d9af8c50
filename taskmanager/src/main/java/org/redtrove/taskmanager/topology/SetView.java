package org.redtrove.taskmanager.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.taskmanager.sets.ReplicaSet;

/**
 * A set as recorded (who is master, at which epoch) with a view of every member: the input of the
 * failure analysis and of reconciliation, both pure functions of it.
 */
public record SetView(ReplicaSet set, MemberView master, List<MemberView> replicas) {

    public List<MemberView> members() {
        List<MemberView> all = new ArrayList<>();
        if (master != null) {
            all.add(master);
        }
        all.addAll(replicas);
        return all;
    }

    public Optional<MemberView> member(UUID id) {
        return members().stream().filter(m -> m.instanceId().equals(id)).findFirst();
    }

    /** True while any member has a job in progress: only that job changes the set then. */
    public boolean busy() {
        return members().stream().anyMatch(MemberView::busy);
    }
}
