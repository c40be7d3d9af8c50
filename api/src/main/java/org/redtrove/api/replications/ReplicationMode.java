package org.redtrove.api.replications;

import java.util.Optional;

/**
 * What a replication task is told to do, as ReductStore names it: enabled copies records, paused
 * keeps collecting them in the task's log without sending, disabled neither collects nor sends.
 */
public enum ReplicationMode {
    ENABLED, PAUSED, DISABLED;

    /** The name in JSON and in replication_tasks.mode. */
    public String wire() {
        return name().toLowerCase();
    }

    /** True for the modes in which the task runs on an agent (and so may be active). */
    public boolean runs() {
        return this != DISABLED;
    }

    public static Optional<ReplicationMode> fromWire(String text) {
        for (ReplicationMode mode : values()) {
            if (mode.wire().equals(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
