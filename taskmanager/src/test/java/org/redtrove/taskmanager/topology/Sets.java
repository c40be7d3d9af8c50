package org.redtrove.taskmanager.topology;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.sets.ReplicaSet;

/** Sets and members as the supervisor sees them, for the pure planners' tests. */
public final class Sets {

    public static final UUID SET = UUID.fromString("00000000-0000-0000-0000-0000000000f0");
    public static final UUID M = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    public static final UUID R1 = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    public static final UUID R2 = UUID.fromString("00000000-0000-0000-0000-00000000000c");
    public static final String M_ADDRESS = "10.0.0.1:17000";
    public static final long EPOCH = 4;

    private Sets() {
    }

    public static Membership current() {
        return new Membership(SET, EPOCH);
    }

    public static ReplicaSet set(OffsetDateTime blockedUntil) {
        return new ReplicaSet(SET, "p", "cache", M, EPOCH, blockedUntil);
    }

    /** A member whose host and report are this many milliseconds old, and whose Redis answered that long ago. */
    public static MemberView member(UUID id, String address, long hostSilence, long reportAge, long redisSilence,
                                    InstanceReport report) {
        return new MemberView(id, id.toString().substring(34), address, TaskStatus.NONE, hostSilence, reportAge,
                redisSilence, report);
    }

    public static SetView view(MemberView master, MemberView... replicas) {
        return new SetView(set(null), master, List.of(replicas));
    }
}
