package org.redtrove.taskmanager.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.ReplicationTaskReport.Position;
import org.redtrove.taskmanager.tasks.ReplicationTaskDispatcher.Member;

/** Which member of its source's set a replication task reads. */
class ReaderChoiceTest {

    private static final UUID SET = UUID.randomUUID();
    private static final String HISTORY = "a".repeat(40);
    private static final String OLDER = "b".repeat(40);

    /** A member whose report says: this history (and the one before), offset, backlog from there. */
    private static Member member(boolean master, String health, String task, String replId, String replId2,
                                 long secondOffset, long offset, long backlogFirstByte) {
        ReplicationInfo info = new ReplicationInfo(master ? "master" : "slave", null, 0, !master, false, offset, replId,
                replId2, secondOffset, 0, 0, true, List.of(), 0, null, backlogFirstByte);
        return new Member(UUID.randomUUID(), SET, "host", master, health, task, true, info);
    }

    private static ReplicationTaskReport runningOn(Member m, Position applied) {
        return new ReplicationTaskReport(UUID.randomUUID(), m == null ? null : m.id(), true, 0, 0, -1, applied, null,
                null);
    }

    @Test
    void aHealthyReplicaIsReadNotTheMaster() {
        Member master = member(true, "HEALTHY", "NONE", HISTORY, null, -1, 500, 1);
        Member replica = member(false, "HEALTHY", "NONE", HISTORY, null, -1, 500, 1);
        assertThat(ReplicationTaskDispatcher.reader(List.of(master, replica), null)).isEqualTo(replica);
    }

    @Test
    void withoutAHealthyReplicaTheMasterIsRead() {
        Member master = member(true, "HEALTHY", "NONE", HISTORY, null, -1, 500, 1);
        Member syncing = member(false, "SYNCING", "NONE", HISTORY, null, -1, 0, -1);
        assertThat(ReplicationTaskDispatcher.reader(List.of(master, syncing), null)).isEqualTo(master);
    }

    @Test
    void aReplicaThatWentThroughAFullResyncIsPassedOverForOneThatCanContinue() {
        Position applied = new Position(OLDER, 6536, 0);
        Member master = member(true, "HEALTHY", "NONE", HISTORY, OLDER, 7000, 9000, 1);
        Member resynced = member(false, "HEALTHY", "NONE", HISTORY, null, -1, 9000, 8000);
        Member continued = member(false, "HEALTHY", "NONE", HISTORY, OLDER, 7000, 9000, 1);
        assertThat(ReplicationTaskDispatcher.reader(List.of(master, resynced, continued), runningOn(null, applied)))
                .isEqualTo(continued);
        // With only the resynced replica, the master (which can continue) is read.
        assertThat(ReplicationTaskDispatcher.reader(List.of(master, resynced), runningOn(null, applied)))
                .isEqualTo(master);
    }

    @Test
    void aTaskStaysOnItsHealthyReplicaAndWhileAJobChangesTheSet() {
        Member master = member(true, "HEALTHY", "NONE", HISTORY, null, -1, 500, 1);
        Member first = member(false, "HEALTHY", "NONE", HISTORY, null, -1, 500, 1);
        Member second = member(false, "HEALTHY", "NONE", HISTORY, null, -1, 500, 1);
        Position applied = new Position(HISTORY, 400, 0);
        assertThat(ReplicationTaskDispatcher.reader(List.of(master, first, second), runningOn(second, applied)))
                .isEqualTo(second);
        Member promoting = member(false, "HEALTHY", "PROMOTING", HISTORY, null, -1, 500, 1);
        assertThat(ReplicationTaskDispatcher.reader(List.of(master, promoting, second), runningOn(promoting, applied)))
                .as("kept where it is until the job is done").isEqualTo(promoting);
    }

    @Test
    void aTaskLeavesItsReplicaOnceThatNoLongerHoldsTheStreamAndStaysWhenNoneDoes() {
        Position applied = new Position(OLDER, 6536, 0);
        Member master = member(true, "HEALTHY", "NONE", HISTORY, OLDER, 7000, 9000, 1);
        // restarted, then resynced from the new master: a history that begins after the position
        Member restarted = member(false, "HEALTHY", "NONE", HISTORY, null, -1, 9000, 8000);
        Member continued = member(false, "HEALTHY", "NONE", HISTORY, OLDER, 7000, 9000, 1);
        assertThat(ReplicationTaskDispatcher.reader(List.of(master, restarted, continued),
                runningOn(restarted, applied))).isEqualTo(continued);
        // Its own report a moment old, behind the position: it still holds the history, so it stays.
        Member behind = member(false, "HEALTHY", "NONE", OLDER, null, -1, 6000, 1);
        assertThat(ReplicationTaskDispatcher.reader(List.of(master, behind, continued), runningOn(behind, applied)))
                .isEqualTo(behind);
        // Nobody holds it any more: it stays where it is, whose reader reports what was missed.
        Member lost = member(true, "HEALTHY", "NONE", HISTORY, null, -1, 9000, 8000);
        assertThat(ReplicationTaskDispatcher.reader(List.of(lost, restarted), runningOn(restarted, applied)))
                .isEqualTo(restarted);
    }

    @Test
    void aSetWithNothingPlacedYetHasNoReader() {
        Member building = new Member(UUID.randomUUID(), SET, null, true, "SYNCING", "NONE", false, null);
        Member failedBuild = member(false, "FAILED", "BUILDING_ERROR_SERVER", HISTORY, null, -1, 0, -1);
        assertThat(ReplicationTaskDispatcher.reader(List.of(building, failedBuild), null))
                .as("a failed build is not a job in progress, and nothing is placed").isNull();
        assertThat(ReplicationTaskDispatcher.reader(List.of(building), null)).isNull();
        assertThat(ReplicationTaskDispatcher.reader(List.of(), null)).isNull();
    }
}
