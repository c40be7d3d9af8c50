package org.redtrove.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WireTest {

    @Test
    void guestRequestsKeepTheirConcreteTypeAcrossTheWire() {
        UUID id = UUID.randomUUID();
        GuestRequest sent = new GuestRequest.AttachToMaster(id, "10.0.0.5", 17001, "s3cret");

        GuestRequest received = Wire.decode(Wire.encode(sent), GuestRequest.class);

        assertThat(received).isEqualTo(sent);
    }

    @Test
    void heartbeatsCarryReplicationStateAndTimestamps() {
        var info = new ReplicationInfo("slave", "10.0.0.5", 17001, true, false, 1234, "abc", "def", 99, 0, 150,
                true, List.of());
        var report = new InstanceReport(UUID.randomUUID(), 17002, RedisState.RUNNING, null, true, info,
                Instant.parse("2026-01-01T00:00:00Z"));
        ConductorMessage sent = new ConductorMessage.Heartbeat("host-a", Instant.parse("2026-01-01T00:00:00Z"),
                List.of(report));

        ConductorMessage received = Wire.decode(Wire.encode(sent), ConductorMessage.class);

        assertThat(received).isEqualTo(sent);
        assertThat(((ConductorMessage.Heartbeat) received).instances().get(0).replication().isReplica()).isTrue();
    }

    @Test
    void unknownFieldsFromANewerPeerAreIgnored() {
        String json = "{\"op\":\"delete\",\"instanceId\":\"" + UUID.randomUUID() + "\",\"future\":1}";

        assertThat(Wire.fromJson(json, GuestRequest.class)).isInstanceOf(GuestRequest.Delete.class);
    }
}
