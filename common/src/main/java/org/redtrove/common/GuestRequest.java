package org.redtrove.common;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.UUID;

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
        @JsonSubTypes.Type(value = GuestRequest.AttachToMaster.class, name = "attach_to_master"),
        @JsonSubTypes.Type(value = GuestRequest.Detach.class, name = "detach"),
        @JsonSubTypes.Type(value = GuestRequest.PauseWrites.class, name = "pause_writes"),
        @JsonSubTypes.Type(value = GuestRequest.Unpause.class, name = "unpause"),
        @JsonSubTypes.Type(value = GuestRequest.WaitForOffset.class, name = "wait_for_offset")
})
public sealed interface GuestRequest {

    UUID instanceId();

    /**
     * Create the instance's data dir and redis.conf, start redis-server and answer with its port.
     * If the instance already exists it is left as it is (and started if it is not running).
     */
    record Prepare(UUID instanceId, String password, long maxmemoryBytes) implements GuestRequest {
    }

    /** Stop redis-server and remove the instance's data. Deleting an unknown instance succeeds. */
    record Delete(UUID instanceId) implements GuestRequest {
    }

    /** Answer with the instance's current report (state, INFO replication). */
    record Describe(UUID instanceId) implements GuestRequest {
    }

    /**
     * Settings of a master that replicas are attaching to: diskless sync on or off, and the
     * diskless-sync delay, which is only worth paying while several replicas attach at once.
     */
    record ConfigureSource(UUID instanceId, boolean disklessSync, int attachingReplicas) implements GuestRequest {
    }

    /**
     * Make the instance a read-only replica of the given master: written to the replication include
     * file and applied live with CONFIG SET masterauth and REPLICAOF, without restarting Redis.
     */
    record AttachToMaster(UUID instanceId, String masterHost, int masterPort, String masterPassword)
            implements GuestRequest {
    }

    /** Make the instance a standalone writable master (REPLICAOF NO ONE), keeping its data. */
    record Detach(UUID instanceId) implements GuestRequest {
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
}
