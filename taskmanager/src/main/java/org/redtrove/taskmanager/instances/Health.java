package org.redtrove.taskmanager.instances;

/**
 * How a member is, as the taskmanager's set supervisor last judged it from what the guests report
 * (instances.health). The api shows ERROR for the bad ones and BUILD for a member syncing again,
 * so an instance whose Redis cannot be reached is never shown ACTIVE.
 */
public enum Health {
    /** Answers its agent and, as a replica, is in sync with its master. */
    HEALTHY,
    /** A replica (re)joining its master: a full sync is running. */
    SYNCING,
    /** Its agent is silent, or its Redis does not answer the agent. */
    UNREACHABLE,
    /** Its redis-server exited or cannot be started. */
    FAILED,
    /** Its Redis is in another role than the set records, and repairing it would lose writes. */
    DIVERGED
}
