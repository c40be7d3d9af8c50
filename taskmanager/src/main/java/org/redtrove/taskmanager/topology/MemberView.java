package org.redtrove.taskmanager.topology;

import java.util.UUID;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.TaskStatus;

/**
 * One member of a set as the taskmanager knows it at one moment: the record (its role in the set)
 * beside the latest report of its guest and how old the evidence is. Ages are measured on the
 * database's clock (see Conductor), so the clocks of the hosts never matter.
 *
 * @param address           host:port where its Redis is reached; null before it is placed
 * @param hostSilenceMillis since its host's agent last sent anything; -1 if never
 * @param reportAgeMillis   since its own latest report arrived; -1 if none ever did
 * @param redisSilenceMillis since its Redis last answered its agent; -1 if it never did
 * @param report            the latest report; null if none
 */
public record MemberView(UUID instanceId, String name, String address, TaskStatus task,
                         long hostSilenceMillis, long reportAgeMillis, long redisSilenceMillis,
                         InstanceReport report) {

    public boolean hasReport() {
        return report != null && reportAgeMillis >= 0;
    }

    /** A report younger than {@code bound}: evidence about now, not about the past. */
    public boolean freshWithin(long boundMillis) {
        return hasReport() && reportAgeMillis < boundMillis && hostSilenceMillis >= 0
                && hostSilenceMillis < boundMillis;
    }

    public boolean running() {
        return report != null && report.state() == RedisState.RUNNING;
    }

    public ReplicationInfo replication() {
        return report == null ? null : report.replication();
    }

    public boolean busy() {
        return task != TaskStatus.NONE && !task.isError();
    }
}
