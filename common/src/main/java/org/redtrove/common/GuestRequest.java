package org.redtrove.common;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.UUID;
import org.redtrove.common.backups.BackupFile;

/**
 * RPCs the taskmanager sends to a guest agent. Every request names the instance it is about and is
 * idempotent on the guest: a job that is redelivered repeats requests, and they must not repeat effects.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = GuestRequest.Prepare.class, name = "prepare"),
        @JsonSubTypes.Type(value = GuestRequest.Delete.class, name = "delete"),
        @JsonSubTypes.Type(value = GuestRequest.Describe.class, name = "describe"),
        @JsonSubTypes.Type(value = GuestRequest.ConfigureSource.class, name = "configure_source"),
        @JsonSubTypes.Type(value = GuestRequest.BecomeMaster.class, name = "become_master"),
        @JsonSubTypes.Type(value = GuestRequest.Follow.class, name = "follow"),
        @JsonSubTypes.Type(value = GuestRequest.ConfigureAccess.class, name = "configure_access"),
        @JsonSubTypes.Type(value = GuestRequest.PauseWrites.class, name = "pause_writes"),
        @JsonSubTypes.Type(value = GuestRequest.Unpause.class, name = "unpause"),
        @JsonSubTypes.Type(value = GuestRequest.WaitForOffset.class, name = "wait_for_offset"),
        @JsonSubTypes.Type(value = GuestRequest.DisconnectClients.class, name = "disconnect_clients"),
        @JsonSubTypes.Type(value = GuestRequest.RunReplicationTasks.class, name = "run_replication_tasks"),
        @JsonSubTypes.Type(value = GuestRequest.RunCopy.class, name = "run_copy"),
        @JsonSubTypes.Type(value = GuestRequest.Resize.class, name = "resize"),
        @JsonSubTypes.Type(value = GuestRequest.Restart.class, name = "restart"),
        @JsonSubTypes.Type(value = GuestRequest.Configure.class, name = "configure"),
        @JsonSubTypes.Type(value = GuestRequest.Backup.class, name = "backup"),
        @JsonSubTypes.Type(value = GuestRequest.LimitDisk.class, name = "limit_disk")
})
public sealed interface GuestRequest {

    UUID instanceId();

    /**
     * Create the instance's data dir and redis.conf, start redis-server as a master of the given
     * set and answer with its port. If the instance already exists it is left as it is (and started
     * if it is not running, also when the guest was holding it after an exit).
     *
     * @param password            the set's password: Redis's default user, the tenant's login
     * @param replicationPassword the set's replication user's password, never shown to the tenant
     * @param restore             a backup whose data a new instance starts with (checked against its
     *                            checksum first); null for an empty instance. An instance that exists
     *                            already keeps its data.
     */
    record Prepare(UUID instanceId, String password, long maxmemoryBytes, Membership membership,
                   String replicationPassword, BackupFile restore) implements GuestRequest {

        public Prepare(UUID instanceId, String password, long maxmemoryBytes, Membership membership,
                       String replicationPassword) {
            this(instanceId, password, maxmemoryBytes, membership, replicationPassword, null);
        }
    }

    /** Stop redis-server and remove the instance's data. Deleting an unknown instance succeeds. */
    record Delete(UUID instanceId) implements GuestRequest {
    }

    /** Answer with the instance's current report (state, INFO replication). */
    record Describe(UUID instanceId) implements GuestRequest {
    }

    /**
     * Settings of a master: diskless sync on or off, the diskless-sync delay, which is only worth
     * paying while several replicas attach at once, and how it fences itself.
     */
    record ConfigureSource(UUID instanceId, boolean disklessSync, int attachingReplicas, Fencing fencing)
            implements GuestRequest {
    }

    /**
     * Make the instance a writable master (REPLICAOF NO ONE) of the set at this epoch, keeping its
     * data. Refused if the guest already applied a newer epoch of the same set.
     */
    record BecomeMaster(UUID instanceId, Membership membership) implements GuestRequest {
    }

    /**
     * Make the instance a read-only replica of the given master at this epoch: written to the
     * replication include file and applied live (masteruser, masterauth, REPLICAOF), without a
     * restart. Refused if the guest already applied a newer epoch of the same set.
     *
     * @param restartIfUnresponsive when Redis does not answer (hung), restart it so that it comes
     *                              back as the replica the file now says: a hung old master must
     *                              never resume as a master
     * @param keepClients           leave the tenant's connections open: a planned switchover closes
     *                              them itself once the new master is announced
     *                              ({@link DisconnectClients}); otherwise a change of master closes them
     */
    record Follow(UUID instanceId, Membership membership, String masterHost, int masterPort,
                  String replicationPassword, boolean restartIfUnresponsive, boolean keepClients)
            implements GuestRequest {
    }

    /**
     * Bring an instance created before ACLs to them, live: first the agent and replication users
     * (replicas switch to the replication user), then, with {@code restrictTenant}, the tenant's
     * default user loses the commands that change roles, persistence, limits or users. The second
     * phase must wait until every member of the set has the replication user.
     */
    record ConfigureAccess(UUID instanceId, String replicationPassword, boolean restrictTenant)
            implements GuestRequest {
    }

    /** CLIENT PAUSE WRITE for at most timeoutMillis; answers with the master offset reached. */
    record PauseWrites(UUID instanceId, long timeoutMillis) implements GuestRequest {
    }

    /** CLIENT UNPAUSE. */
    record Unpause(UUID instanceId) implements GuestRequest {
    }

    /** Wait until the replica has processed the given offset, or the timeout passes. */
    record WaitForOffset(UUID instanceId, long offset, long timeoutMillis) implements GuestRequest {
    }

    /**
     * Close the tenant's normal and pub/sub connections (CLIENT KILL), as Sentinel does on a demoted
     * master: clients that only look for the master again after a disconnect move to the new one.
     */
    record DisconnectClients(UUID instanceId) implements GuestRequest {
    }

    /**
     * A new flavor's memory: maxmemory (and the replication backlog sized from it) applied live with
     * CONFIG SET and written to the instance's files, so a restart keeps it. Idempotent.
     */
    record Resize(UUID instanceId, long maxmemoryBytes) implements GuestRequest {
    }

    /**
     * The tenant's parameters (a configuration group's values, the others at Redis's defaults;
     * {@link TenantParameters#effective}): applied live with CONFIG SET as the agent and written to
     * the instance's tenant.conf, which redis.conf includes, so a restart keeps them. Idempotent.
     */
    record Configure(UUID instanceId, java.util.Map<String, String> values) implements GuestRequest {
    }

    /**
     * The instance's volume: the guest holds its data files to this many bytes. While they take
     * more, the tenant's writes are refused (reads go on, and the agent and replication are not
     * touched); once they are back under 90 % of it, writes are allowed again. Idempotent; kept in
     * the instance's files.
     */
    record LimitDisk(UUID instanceId, long budgetBytes) implements GuestRequest {
    }

    /**
     * Take a consistent snapshot of the instance (BGSAVE as the agent, waiting for it to finish) and
     * write it to the backup store as {@code key}; answers the stored file's size and checksum.
     * Repeating it writes a newer snapshot under the same key.
     */
    record Backup(UUID instanceId, String key) implements GuestRequest {
    }

    /**
     * Stop redis-server gracefully (its AOF flushed) and start it again from its files, keeping its
     * role; answers once it answers again.
     */
    record Restart(UUID instanceId) implements GuestRequest {
    }

    /**
     * Run exactly these replication tasks, reading the instance's replication stream; stop any other
     * task that reads it here.
     */
    record RunReplicationTasks(UUID instanceId, List<ReplicationTaskSpec> tasks) implements GuestRequest {
    }

    /**
     * Make sure this copy runs here (start it, or resume it from its marker on the target, unless it
     * runs already or has finished) and answer where it stands. {@code instanceId} is the instance of
     * this host the copy reads from or writes to.
     */
    record RunCopy(UUID instanceId, CopyOrder order) implements GuestRequest {
    }
}
