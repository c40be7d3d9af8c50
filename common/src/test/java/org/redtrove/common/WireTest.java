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
        GuestRequest sent = new GuestRequest.Follow(id, new Membership(UUID.randomUUID(), 7), "10.0.0.5", 17001,
                "s3cret", true, true);

        GuestRequest received = Wire.decode(Wire.encode(sent), GuestRequest.class);

        assertThat(received).isEqualTo(sent);
    }

    @Test
    void heartbeatsCarryReplicationStateAndTimestamps() {
        var info = new ReplicationInfo("slave", "10.0.0.5", 17001, true, false, 1234, "abc", "def", 99, 0, 150,
                true, List.of(), 40);
        var report = new InstanceReport(UUID.randomUUID(), 17002, RedisState.RUNNING, null, true, info,
                Instant.parse("2026-01-01T00:00:00Z"), new Membership(UUID.randomUUID(), 3), AccessState.RESTRICTED,
                new Fencing(1, 1, true), false);
        ConductorMessage sent = new ConductorMessage.Heartbeat("host-a", Instant.parse("2026-01-01T00:00:00Z"),
                List.of(report));

        ConductorMessage received = Wire.decode(Wire.encode(sent), ConductorMessage.class);

        assertThat(received).isEqualTo(sent);
        assertThat(((ConductorMessage.Heartbeat) received).instances().get(0).replication().isReplica()).isTrue();
    }

    @Test
    void aNewerEpochOfTheSameSetOrAnotherSetSupersedesAnAppliedMembership() {
        UUID set = UUID.randomUUID();
        Membership applied = new Membership(set, 5);

        assertThat(new Membership(set, 6).supersedes(applied)).isTrue();
        assertThat(new Membership(set, 5).supersedes(applied)).as("the same epoch again: idempotent").isTrue();
        assertThat(new Membership(set, 4).supersedes(applied)).as("a stale command").isFalse();
        assertThat(new Membership(UUID.randomUUID(), 1).supersedes(applied)).as("moved to another set").isTrue();
        assertThat(new Membership(set, 1).supersedes(null)).isTrue();
    }

    @Test
    void aMasterPromotedBehindOurBackHasWrittenOnlyPastTheHistoryItInherited() {
        var promotedNoWrites = new ReplicationInfo("master", null, 0, false, false, 5000, "new", "old", 5001, -1, -1,
                false, List.of(), -1);
        var promotedAndWritten = new ReplicationInfo("master", null, 0, false, false, 5100, "new", "old", 5001, -1,
                -1, false, List.of(), -1);
        var neverPromoted = new ReplicationInfo("master", null, 0, false, false, 5100, "id",
                "0000000000000000000000000000000000000000", -1, -1, -1, false, List.of(), -1);

        assertThat(promotedNoWrites.wroteSincePromotion()).isFalse();
        assertThat(promotedAndWritten.wroteSincePromotion()).isTrue();
        assertThat(neverPromoted.wroteSincePromotion()).isFalse();
    }

    @Test
    void aReportFromAnOlderGuestWithoutTheNewerFieldsIsStillRead() {
        String json = "{\"instanceId\":\"" + UUID.randomUUID() + "\",\"port\":17000,\"state\":\"RUNNING\","
                + "\"persistent\":true,\"replication\":{\"role\":\"master\",\"masterPort\":0,"
                + "\"processedOffset\":5,\"replicas\":[]}}";

        InstanceReport report = Wire.fromJson(json, InstanceReport.class);

        assertThat(report.held()).isFalse();
        assertThat(report.membership()).isNull();
        assertThat(report.replication().millisSinceMasterAnswered()).isZero();
    }

    @Test
    void unknownFieldsFromANewerPeerAreIgnored() {
        String json = "{\"op\":\"delete\",\"instanceId\":\"" + UUID.randomUUID() + "\",\"future\":1}";

        assertThat(Wire.fromJson(json, GuestRequest.class)).isInstanceOf(GuestRequest.Delete.class);
    }

    @Test
    void everyGuestRequestHasAWireName() {
        java.util.Set<Class<?>> named = new java.util.HashSet<>();
        for (var type : GuestRequest.class.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class).value()) {
            named.add(type.value());
        }
        assertThat(named).as("a request the guest could not decode").containsAll(
                java.util.List.of(GuestRequest.class.getPermittedSubclasses()));
    }
}
