package org.redtrove.taskmanager.conductor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.redtrove.common.ConductorMessage;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.Wire;

/**
 * A heartbeat as the conductor reads it: of each instance's report only its id and state (for the
 * service statuses), the rest skipped over, and the message's own JSON, from which PostgreSQL takes
 * each report as it is stored. Binding 500 reports to objects and writing them out again as JSON
 * was most of the conductor's time at 500 instances.
 *
 * @param json the message as received, a {@link ConductorMessage.Heartbeat}
 */
record ReceivedHeartbeat(String hostId, Instant sentAt, List<Brief> instances, List<ReplicationTaskReport> tasks,
                         String json) {

    /** What the conductor needs of an instance's report in Java. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Brief(UUID instanceId, RedisState state) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Head(String type, String hostId, Instant sentAt, List<Brief> instances,
                        List<ReplicationTaskReport> tasks) {
    }

    /** The heartbeat in {@code body}, or null when the message is another kind. */
    static ReceivedHeartbeat read(byte[] body) {
        Head head = Wire.decode(body, Head.class);
        if (!"heartbeat".equals(head.type())) {
            return null;
        }
        return new ReceivedHeartbeat(head.hostId(), head.sentAt(),
                head.instances() == null ? List.of() : head.instances(),
                head.tasks() == null ? List.of() : head.tasks(), new String(body, StandardCharsets.UTF_8));
    }
}
