package org.redtrove.taskmanager.failover;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How sets heal themselves (keys under {@code redtrove.failover}).
 *
 * @param automatic      fail over on its own when the analysis says the master is gone and its
 *                       replicas confirm it; off, only an operator's eject moves the set
 * @param detection      the detection bound: how long a master must be silent, to its agent and to
 *                       every replica, before it counts as gone. A stall shorter than this never
 *                       causes a failover
 * @param checkInterval  how often every set is analysed and reconciled
 * @param blockPeriod    after an automatic failover, no second one of the same set for this long
 * @param fencing        masters of sets with replicas refuse writes when cut off from all of them
 *                       (min-replicas-to-write 1) for longer than {@code fencingMaxLag}: a
 *                       partitioned old master cannot take writes the new master never sees. The
 *                       price: a master whose replicas are all gone refuses writes until the
 *                       taskmanager sees them gone and lifts it (within a few seconds)
 * @param fencingMaxLag  min-replicas-max-lag, in whole seconds (at least 1)
 * @param reportFreshness how recent a report must be to count as evidence that Redis is silent
 *                       now: agents report every 100 ms while something is wrong and every second
 *                       otherwise, so an older report only says how things were
 */
@ConfigurationProperties("redtrove.failover")
public record FailoverProperties(
        @DefaultValue("true") boolean automatic,
        @DefaultValue("1s") Duration detection,
        @DefaultValue("100ms") Duration checkInterval,
        @DefaultValue("30s") Duration blockPeriod,
        @DefaultValue("true") boolean fencing,
        @DefaultValue("1s") Duration fencingMaxLag,
        @DefaultValue("400ms") Duration reportFreshness) {
}
