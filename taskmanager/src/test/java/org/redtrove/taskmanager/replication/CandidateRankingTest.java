package org.redtrove.taskmanager.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.taskmanager.topology.Reports;

class CandidateRankingTest {

    static final String HISTORY = "8d8a1e0f3b1c4c0e9d6f7a2b3c4d5e6f7a8b9c0d";

    static ReplicaObservation replica(UUID id, long offset, long millisSinceIo, boolean synced, String replId) {
        return ReplicaObservation.of(id, Reports.running(id, new ReplicationInfo("slave", "10.0.0.1", 17000, true, false, offset,
                replId, "0000000000000000000000000000000000000000", -1, -1, millisSinceIo, synced, List.of(), -1), null));
    }

    static UUID id(int n) {
        return UUID.fromString("00000000-0000-0000-0000-00000000000" + n);
    }

    @Test
    void theHighestOffsetWins() {
        var ranking = CandidateRanking.rank(List.of(
                replica(id(1), 1000, 50, true, HISTORY),
                replica(id(2), 5000, 900, true, HISTORY),
                replica(id(3), 4000, 10, true, HISTORY)), HISTORY);

        assertThat(ranking.chosen()).contains(id(2));
        assertThat(ranking.eligible()).extracting(CandidateRanking.Ranked::instanceId)
                .containsExactly(id(2), id(3), id(1));
    }

    @Test
    void equalOffsetsGoToTheReplicaThatHeardFromTheMasterMostRecently() {
        var ranking = CandidateRanking.rank(List.of(
                replica(id(1), 5000, 800, true, HISTORY),
                replica(id(2), 5000, 120, true, HISTORY),
                replica(id(3), 5000, -1, true, HISTORY)), HISTORY);

        assertThat(ranking.eligible()).extracting(CandidateRanking.Ranked::instanceId)
                .containsExactly(id(2), id(1), id(3));
    }

    @Test
    void aCompleteTieIsBrokenTheSameWayEveryTime() {
        var a = CandidateRanking.rank(List.of(replica(id(2), 7, 5, true, HISTORY), replica(id(1), 7, 5, true, HISTORY)),
                HISTORY);
        var b = CandidateRanking.rank(List.of(replica(id(1), 7, 5, true, HISTORY), replica(id(2), 7, 5, true, HISTORY)),
                HISTORY);

        assertThat(a.chosen()).isEqualTo(b.chosen()).contains(id(1));
    }

    @Test
    void aReplicaThatNeverSyncedIsNeverChosenWhateverItsOffset() {
        var ranking = CandidateRanking.rank(List.of(
                replica(id(1), 1, 0, false, HISTORY),
                replica(id(2), 900, 300, true, HISTORY)), HISTORY);

        assertThat(ranking.chosen()).contains(id(2));
        assertThat(ranking.excluded()).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("never completed a sync"));
    }

    @Test
    void replicasOfAnotherReplicationHistoryAreExcluded() {
        var ranking = CandidateRanking.rank(List.of(
                replica(id(1), 9_000_000, 0, true, "ffffffffffffffffffffffffffffffffffffffff"),
                replica(id(2), 100, 0, true, HISTORY)), HISTORY);

        assertThat(ranking.chosen()).contains(id(2));
        assertThat(ranking.excluded()).singleElement().satisfies(e -> {
            assertThat(e.instanceId()).isEqualTo(id(1));
            assertThat(e.reason()).contains("another replication history");
        });
    }

    @Test
    void withoutTheMastersHistoryTheMajorityHistoryIsFollowed() {
        var ranking = CandidateRanking.rank(List.of(
                replica(id(1), 9_000_000, 0, true, "ffffffffffffffffffffffffffffffffffffffff"),
                replica(id(2), 100, 0, true, HISTORY),
                replica(id(3), 200, 0, true, HISTORY)), null);

        assertThat(ranking.history()).isEqualTo(HISTORY);
        assertThat(ranking.chosen()).contains(id(3));
    }

    @Test
    void noReachableReplicaMeansNoCandidate() {
        var ranking = CandidateRanking.rank(List.of(
                ReplicaObservation.unreachable(id(1), "guest did not answer"),
                ReplicaObservation.unreachable(id(2), "host down")), HISTORY);

        assertThat(ranking.chosen()).isEmpty();
        assertThat(ranking.excluded()).extracting(CandidateRanking.Excluded::reason)
                .allSatisfy(r -> assertThat(r).startsWith("unreachable"));
    }

    @Test
    void aReplicaStillInAFullSyncIsExcluded() {
        var syncing = ReplicaObservation.of(id(1), Reports.running(id(1), new ReplicationInfo("slave", "h", 1, false, true, 50_000, HISTORY,
                null, -1, -1, 10, true, List.of(), -1), null));

        var ranking = CandidateRanking.rank(List.of(syncing, replica(id(2), 10, 10, true, HISTORY)), HISTORY);

        assertThat(ranking.chosen()).contains(id(2));
    }
}
