package org.redtrove.common;

/** The closed set of jobs the api queues and the taskmanager runs. */
public enum JobKind {
    /** Build one standalone instance: place it, prepare it on its guest, wait until Redis answers. */
    CREATE,
    /** Build replicas of an existing source and attach them all, in parallel, through Redis's own sync. */
    ATTACH_REPLICAS,
    /** Turn one replica into a standalone, writable instance that keeps its data. */
    DETACH,
    /** Planned switchover to a chosen replica, losing no acknowledged write. */
    PROMOTE,
    /** Unplanned failover away from a failed source, to its most current replica. */
    EJECT,
    /** Stop an instance's Redis and remove its data. */
    DELETE,
    /**
     * Bring the members of a set back to its recorded topology (a returning old master, a replica
     * following the wrong master, ACLs of an older instance); started by the taskmanager itself.
     */
    RECONCILE,
    /**
     * Copy the keys that exist now from one Redis to another, filtered ({@code redtrove cp}); runs
     * beside the other jobs, on its own threads, for as long as the data takes.
     */
    COPY,
    /**
     * Give every member of the instance's set a new flavor (maxmemory, live) or a larger volume,
     * replicas first, so that no replica is ever smaller than its master.
     */
    RESIZE,
    /** Restart one instance's redis-server from its files, keeping its role and its data. */
    RESTART,
    /** Give every member of a set its configuration group's parameters (or Redis's defaults), live. */
    CONFIGURE,
    /**
     * Snapshot an instance's data into the backup store, from a replica of its set when one is in
     * sync (so the master does not fork), else from the instance itself.
     */
    BACKUP,
    /** Remove a backup's data from the store, then its row; the instance may be long gone. */
    DELETE_BACKUP
}
