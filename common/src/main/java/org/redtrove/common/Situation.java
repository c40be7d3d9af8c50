package org.redtrove.common;

/**
 * The closed set of situations a replica set can be in (DESIGN.md decision 12), named as
 * orchestrator names its own: each is computed from the master's own health and from what its
 * replicas see, before any recovery is chosen. Automatic failover and the eject guard read them.
 */
public enum Situation {
    /** The master answers; every replica follows it. */
    HEALTHY(false),
    /** The master answers, but a replica cannot be reached, fails or is (re)syncing. */
    DEGRADED(false),
    /** Members are in other roles than the set records; the reconciler repairs what loses nothing. */
    DIVERGENT_TOPOLOGY(false),
    /** The master's agent cannot see it, but its replicas still hear it: no failover. */
    UNREACHABLE_MASTER(true),
    /** The master's process hangs (alive, silent for the detection bound), and its replicas confirm it. */
    HUNG_MASTER(true),
    /** The master's redis-server exited on a host whose agent is alive, and its replicas lost it. */
    MASTER_PROCESS_EXITED(true),
    /** The master's host is gone: its agent is silent and the replicas cannot reach the master. */
    LOST_HOST(true),
    /** The master looks gone, but no replica's agent has reported recently enough to confirm it. */
    DEAD_MASTER_UNCONFIRMED(true),
    /** The master is gone and confirmed so, but no replica is fit to take over. */
    NO_USABLE_REPLICA(true),
    /** The master is gone and confirmed so, but the set failed over too recently (anti-flapping). */
    FAILOVER_BLOCKED(true);

    private final boolean masterFailed;

    Situation(boolean masterFailed) {
        this.masterFailed = masterFailed;
    }

    /** True for the situations in which the master cannot be relied on: an operator's eject is allowed. */
    public boolean masterFailed() {
        return masterFailed;
    }

    /** The situations in which the set fails over on its own. */
    public boolean failsOver() {
        return this == HUNG_MASTER || this == MASTER_PROCESS_EXITED || this == LOST_HOST;
    }
}
