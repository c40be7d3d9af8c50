package org.redtrove.common;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/** Messages a guest agent sends to the conductor. Guests hold no database credentials. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ConductorMessage.HostRegistration.class, name = "register"),
        @JsonSubTypes.Type(value = ConductorMessage.Heartbeat.class, name = "heartbeat")
})
public sealed interface ConductorMessage {

    String hostId();

    /** Sent when an agent starts: who it is, where its Redis instances can be reached. */
    record HostRegistration(String hostId, String hostName, String address, String redisVersion,
                            Instant sentAt) implements ConductorMessage {
    }

    /**
     * Sent every second with the state of every instance the agent owns and of every replication
     * task it runs (null from agents that run none yet).
     */
    record Heartbeat(String hostId, Instant sentAt, List<InstanceReport> instances,
                     List<ReplicationTaskReport> tasks) implements ConductorMessage {

        public Heartbeat(String hostId, Instant sentAt, List<InstanceReport> instances) {
            this(hostId, sentAt, instances, List.of());
        }
    }
}
