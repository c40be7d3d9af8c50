package org.redtrove.taskmanager.topology;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.redtrove.common.AccessState;
import org.redtrove.common.Fencing;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;

/** Guest reports as the agents send them, for the pure planners' tests. */
public final class Reports {

    public static final String HISTORY = "8d8a1e0f3b1c4c0e9d6f7a2b3c4d5e6f7a8b9c0d";
    public static final String NO_HISTORY = "0000000000000000000000000000000000000000";

    private Reports() {
    }

    public static InstanceReport running(UUID id, ReplicationInfo info, Membership membership) {
        return new InstanceReport(id, 17000, RedisState.RUNNING, null, true, info, Instant.EPOCH, membership,
                AccessState.RESTRICTED, Fencing.NONE, false);
    }

    public static InstanceReport withState(UUID id, RedisState state, boolean held, Membership membership) {
        return new InstanceReport(id, 17000, state, state + " for a test", true, null, Instant.EPOCH, membership,
                AccessState.RESTRICTED, Fencing.NONE, held);
    }

    public static ReplicationInfo master(long offset) {
        return new ReplicationInfo("master", null, 0, false, false, offset, HISTORY, NO_HISTORY, -1, -1, -1, false,
                List.of(), -1);
    }

    /**
     * @param sinceAnswered how long ago the master last answered the replica's agent (-1 never)
     */
    public static ReplicationInfo replica(String masterAddress, boolean linkUp, long offset, boolean synced,
                                          long sinceAnswered) {
        String[] hostPort = masterAddress.split(":");
        return new ReplicationInfo("slave", hostPort[0], Integer.parseInt(hostPort[1]), linkUp, false, offset,
                HISTORY, NO_HISTORY, -1, linkUp ? 0 : -1, 10, synced, List.of(), sinceAnswered);
    }
}
