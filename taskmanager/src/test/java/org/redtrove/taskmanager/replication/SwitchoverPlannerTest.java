package org.redtrove.taskmanager.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.taskmanager.topology.Reports;
import org.redtrove.taskmanager.replication.SwitchoverPlan.AwaitCatchUp;
import org.redtrove.taskmanager.replication.SwitchoverPlan.CommitEpoch;
import org.redtrove.taskmanager.replication.SwitchoverPlan.DemoteOldMaster;
import org.redtrove.taskmanager.replication.SwitchoverPlan.PauseWrites;
import org.redtrove.taskmanager.replication.SwitchoverPlan.PromoteCandidate;
import org.redtrove.taskmanager.replication.SwitchoverPlan.Repoint;
import org.redtrove.taskmanager.replication.SwitchoverPlan.Unpause;

class SwitchoverPlannerTest {

    static final String HISTORY = "8d8a1e0f3b1c4c0e9d6f7a2b3c4d5e6f7a8b9c0d";
    static final UUID M = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID C = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    static final UUID R = UUID.fromString("00000000-0000-0000-0000-00000000000c");

    static ReplicaObservation master() {
        return ReplicaObservation.of(M, Reports.running(M, new ReplicationInfo("master", null, 0, false, false, 5000, HISTORY, null, -1,
                -1, -1, false, List.of(), -1), null));
    }

    static ReplicaObservation candidate(boolean linkUp, boolean synced, String history) {
        return ReplicaObservation.of(C, Reports.running(C, new ReplicationInfo("slave", "10.0.0.1", 17000, linkUp, false, 4990, history,
                null, -1, 0, 10, synced, List.of(), -1), null));
    }

    @Test
    void commitsTheNewEpochBeforeAnyRoleChangesAndDemotesBeforePromoting() {
        var decision = SwitchoverPlanner.plan(master(), candidate(true, true, HISTORY), List.of(C, R));

        assertThat(decision.refusal()).isNull();
        assertThat(decision.plan().orElseThrow().steps()).containsExactly(
                new PauseWrites(M), new AwaitCatchUp(C, M), new CommitEpoch(C), new DemoteOldMaster(M, C),
                new PromoteCandidate(C), new Repoint(R, C), new Unpause(M));
    }

    @Test
    void nothingBeforeTheCommitIsCommitted() {
        var steps = SwitchoverPlanner.plan(master(), candidate(true, true, HISTORY), List.of(C)).plan().orElseThrow()
                .steps();

        assertThat(steps.subList(0, 2)).noneMatch(SwitchoverPlan.Step::committed);
        assertThat(steps.get(2)).isInstanceOf(CommitEpoch.class);
        assertThat(steps.subList(2, steps.size())).allMatch(SwitchoverPlan.Step::committed);
    }

    @Test
    void aResumedSwitchoverWhoseOldMasterWasDemotedCarriesOnWithoutPausing() {
        var full = SwitchoverPlanner.plan(master(), candidate(true, true, HISTORY), List.of(C, R)).plan().orElseThrow();

        var resumed = SwitchoverPlanner.resume(M, C, List.of(C, R), false);

        assertThat(resumed.steps()).containsExactly(new DemoteOldMaster(M, C), new PromoteCandidate(C),
                new Repoint(R, C), new Unpause(M));
        assertThat(full.steps().subList(3, full.steps().size())).isEqualTo(resumed.steps());
    }

    @Test
    void aResumedSwitchoverWhoseOldMasterStillTakesWritesPausesAndWaitsAgainFirst() {
        var resumed = SwitchoverPlanner.resume(M, C, List.of(R), true);

        assertThat(resumed.steps()).containsExactly(new PauseWrites(M), new AwaitCatchUp(C, M),
                new DemoteOldMaster(M, C), new PromoteCandidate(C), new Repoint(R, C), new Unpause(M));
        assertThat(resumed.steps()).noneMatch(s -> s instanceof CommitEpoch);
    }

    @Test
    void refusesACandidateWhoseLinkIsDown() {
        var decision = SwitchoverPlanner.plan(master(), candidate(false, true, HISTORY), List.of(C));

        assertThat(decision.plan()).isEmpty();
        assertThat(decision.refusal()).contains("not in sync");
    }

    @Test
    void refusesACandidateThatNeverSynced() {
        assertThat(SwitchoverPlanner.plan(master(), candidate(true, false, HISTORY), List.of(C)).plan()).isEmpty();
    }

    @Test
    void refusesACandidateOfAnotherHistory() {
        var decision = SwitchoverPlanner.plan(master(), candidate(true, true, "f".repeat(40)), List.of(C));

        assertThat(decision.refusal()).contains("another replication history");
    }

    @Test
    void refusesWhenTheMasterCannotBeReachedAndPointsToEject() {
        var decision = SwitchoverPlanner.plan(ReplicaObservation.unreachable(M, "no heartbeat"),
                candidate(true, true, HISTORY), List.of(C));

        assertThat(decision.refusal()).contains("eject");
    }
}
