package org.redtrove.taskmanager.failover;

import org.redtrove.common.Situation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.redtrove.taskmanager.topology.Reports.master;
import static org.redtrove.taskmanager.topology.Reports.replica;
import static org.redtrove.taskmanager.topology.Reports.running;
import static org.redtrove.taskmanager.topology.Reports.withState;
import static org.redtrove.taskmanager.topology.Sets.M;
import static org.redtrove.taskmanager.topology.Sets.M_ADDRESS;
import static org.redtrove.taskmanager.topology.Sets.R1;
import static org.redtrove.taskmanager.topology.Sets.R2;
import static org.redtrove.taskmanager.topology.Sets.current;
import static org.redtrove.taskmanager.topology.Sets.member;
import static org.redtrove.taskmanager.topology.Sets.view;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.redtrove.common.RedisState;
import org.redtrove.taskmanager.topology.MemberView;
import org.redtrove.taskmanager.topology.SetView;
import org.redtrove.taskmanager.topology.Sets;

/** One test per named situation: the master's own health beside what its replicas see. */
class FailureAnalyzerTest {

    static final long BOUND = 1000;
    static final long FRESH = 400;
    static final long AGENT_TIMEOUT = 10_000;
    static final OffsetDateTime NOW = OffsetDateTime.parse("2026-12-01T12:00:00Z");

    static MemberView healthyMaster() {
        return member(M, M_ADDRESS, 300, 300, 50, running(M, master(5000), current()));
    }

    static MemberView masterSilentFor(long millis) {
        return member(M, M_ADDRESS, 80, 80, millis, running(M, master(5000), current()));
    }

    /** A replica whose own agent last heard the master {@code sinceAnswered} ms ago, reporting 50 ms ago. */
    static MemberView replicaHearing(java.util.UUID id, boolean linkUp, long sinceAnswered) {
        return member(id, "10.0.0.2:17001", 50, 50, 20,
                running(id, replica(M_ADDRESS, linkUp, 4990, true, sinceAnswered), current()));
    }

    static Analysis analyze(SetView view) {
        return FailureAnalyzer.analyze(view, BOUND, FRESH, AGENT_TIMEOUT, NOW);
    }

    @Test
    void aMasterThatAnswersEveryoneIsHealthy() {
        Analysis a = analyze(view(healthyMaster(), replicaHearing(R1, true, 40), replicaHearing(R2, true, 60)));

        assertThat(a.situation()).isEqualTo(Situation.HEALTHY);
        assertThat(a.situation().failsOver()).isFalse();
        assertThat(a.members()).extracting(Analysis.MemberFinding::health).containsOnly("HEALTHY");
    }

    @Test
    void aReplicaWhoseAgentIsSilentMakesTheSetDegradedNotFailed() {
        MemberView lost = member(R2, "10.0.0.3:17002", 15_000, 15_000, 15_000,
                running(R2, replica(M_ADDRESS, true, 4990, true, 30), current()));

        Analysis a = analyze(view(healthyMaster(), replicaHearing(R1, true, 40), lost));

        assertThat(a.situation()).isEqualTo(Situation.DEGRADED);
        assertThat(a.members()).filteredOn(m -> m.instanceId().equals(R2)).extracting(Analysis.MemberFinding::health)
                .containsExactly("UNREACHABLE");
    }

    @Test
    void aReplicaNotPlacedYetIsBeingBuiltNotUnreachable() {
        MemberView unplaced = member(R2, null, -1, -1, -1, null);

        Analysis a = analyze(view(healthyMaster(), replicaHearing(R1, true, 40), unplaced));

        assertThat(a.members()).filteredOn(m -> m.instanceId().equals(R2)).extracting(Analysis.MemberFinding::health)
                .containsExactly("SYNCING");
        assertThat(a.situation().failsOver()).isFalse();
    }

    @Test
    void aHungMasterConfirmedByEveryReplicaFailsOver() {
        Analysis a = analyze(view(masterSilentFor(1600), replicaHearing(R1, true, 1500),
                replicaHearing(R2, true, 1450)));

        assertThat(a.situation()).isEqualTo(Situation.HUNG_MASTER);
        assertThat(a.situation().failsOver()).isTrue();
        assertThat(a.summary()).contains("2 of 2 replicas confirm");
    }

    @Test
    void aStallShorterThanTheBoundIsNoFailure() {
        Analysis a = analyze(view(masterSilentFor(620), replicaHearing(R1, true, 600), replicaHearing(R2, true, 580)));

        assertThat(a.situation()).isEqualTo(Situation.HEALTHY);
    }

    @Test
    void anOldReportThatLastShowedASilenceGrowingIsNoEvidenceOfAHang() {
        // Sent 900 ms ago while a 400 ms stall was on; the agent has had nothing to report since.
        MemberView master = member(M, M_ADDRESS, 900, 900, 1300, running(M, master(5000), current()));
        MemberView replica = member(R1, "10.0.0.2:17001", 850, 850, 860,
                running(R1, replica(M_ADDRESS, true, 4990, true, 420), current()));

        assertThat(analyze(view(master, replica)).situation()).isEqualTo(Situation.HEALTHY);
    }

    @Test
    void aReplicaThatStillHearsTheMasterVetoesTheFailover() {
        Analysis a = analyze(view(masterSilentFor(2500), replicaHearing(R1, true, 2400), replicaHearing(R2, true, 30)));

        assertThat(a.situation()).isEqualTo(Situation.UNREACHABLE_MASTER);
        assertThat(a.situation().failsOver()).isFalse();
        assertThat(a.situation().masterFailed()).as("an operator may still eject").isTrue();
    }

    @Test
    void aMasterProcessThatExitedIsConfirmedAtOnceByTheReplicasLinksGoingDown() {
        MemberView exited = member(M, M_ADDRESS, 40, 40, 200, withState(M, RedisState.STOPPED, true, current()));

        Analysis a = analyze(view(exited, replicaHearing(R1, false, 150), replicaHearing(R2, false, 120)));

        assertThat(a.situation()).isEqualTo(Situation.MASTER_PROCESS_EXITED);
        assertThat(a.situation().failsOver()).isTrue();
        assertThat(a.members().get(0).detail()).contains("exited").contains("waits for the taskmanager");
    }

    @Test
    void anExitedMasterWhoseReplicasStillHaveTheirLinkIsNotConfirmedYet() {
        MemberView exited = member(M, M_ADDRESS, 40, 40, 100, withState(M, RedisState.STOPPED, true, current()));

        Analysis a = analyze(view(exited, replicaHearing(R1, true, 60)));

        assertThat(a.situation()).isEqualTo(Situation.UNREACHABLE_MASTER);
    }

    @Test
    void aLostHostIsASilentAgentAndAMasterNoReplicaCanReach() {
        MemberView gone = member(M, M_ADDRESS, 1400, 1400, 1400, running(M, master(5000), current()));

        Analysis a = analyze(view(gone, replicaHearing(R1, true, 1300), replicaHearing(R2, false, 1350)));

        assertThat(a.situation()).isEqualTo(Situation.LOST_HOST);
        assertThat(a.situation().failsOver()).isTrue();
    }

    @Test
    void aLateHeartbeatWhileAReplicaResyncsIsNoLostHost() {
        MemberView late = member(M, M_ADDRESS, 1200, 1200, 1150, running(M, master(5000), current()));
        // Its link is down for a resync, but its own agent's PINGs still reach the master.
        MemberView resyncing = member(R1, "10.0.0.2:17001", 50, 50, 20,
                running(R1, replica(M_ADDRESS, false, 4990, true, 30), current()));

        Analysis a = analyze(view(late, resyncing));

        assertThat(a.situation().failsOver()).isFalse();
        assertThat(a.situation()).isEqualTo(Situation.HEALTHY);
    }

    @Test
    void aLateHeartbeatWhileTheReplicasHearTheMasterIsNothing() {
        MemberView late = member(M, M_ADDRESS, 1200, 1200, 1150, running(M, master(5000), current()));

        Analysis a = analyze(view(late, replicaHearing(R1, true, 40)));

        assertThat(a.situation()).isEqualTo(Situation.HEALTHY);
    }

    @Test
    void anAgentSilentForLongWhileTheReplicasHearTheMasterIsAnUnreachableMaster() {
        MemberView silent = member(M, M_ADDRESS, 12_000, 12_000, 12_000, running(M, master(5000), current()));

        Analysis a = analyze(view(silent, replicaHearing(R1, true, 40)));

        assertThat(a.situation()).isEqualTo(Situation.UNREACHABLE_MASTER);
    }

    @Test
    void withoutFreshReplicaReportsADeadMasterIsUnconfirmed() {
        MemberView stale = member(R1, "10.0.0.2:17001", 5000, 5000, 5000,
                running(R1, replica(M_ADDRESS, false, 4990, true, 4000), current()));

        Analysis a = analyze(view(masterSilentFor(3000), stale));

        assertThat(a.situation()).isEqualTo(Situation.DEAD_MASTER_UNCONFIRMED);
        assertThat(a.situation().failsOver()).isFalse();
    }

    @Test
    void aConfirmedDeadMasterWithoutASyncedReplicaHasNoUsableReplica() {
        MemberView neverSynced = member(R1, "10.0.0.2:17001", 50, 50, 20,
                running(R1, replica(M_ADDRESS, false, 1, false, 1500), current()));

        Analysis a = analyze(view(masterSilentFor(3000), neverSynced));

        assertThat(a.situation()).isEqualTo(Situation.NO_USABLE_REPLICA);
        assertThat(a.situation().failsOver()).isFalse();
    }

    @Test
    void aSetThatFailedOverRecentlyIsBlocked() {
        SetView blocked = new SetView(Sets.set(NOW.plusSeconds(20)), masterSilentFor(3000),
                List.of(replicaHearing(R1, false, 2000)));

        Analysis a = analyze(blocked);

        assertThat(a.situation()).isEqualTo(Situation.FAILOVER_BLOCKED);
        assertThat(a.situation().failsOver()).isFalse();
        assertThat(a.summary()).contains("HUNG_MASTER");
    }

    @Test
    void aStandaloneMasterThatDiesHasNobodyToConfirmOrTakeOver() {
        Analysis a = analyze(view(masterSilentFor(3000)));

        assertThat(a.situation()).isEqualTo(Situation.DEAD_MASTER_UNCONFIRMED);
    }
}
