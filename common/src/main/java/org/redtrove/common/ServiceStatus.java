package org.redtrove.common;

/** What the conductor last made of the guest's heartbeats (Trove's service status names). */
public enum ServiceStatus {
    /** No heartbeat yet. */
    NEW,
    /** Redis answers. */
    HEALTHY,
    /** The guest reports Redis stopped, hung or failing to start. */
    FAILED,
    /** Redis was stopped on purpose. */
    SHUTDOWN
}
