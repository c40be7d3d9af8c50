package org.redtrove.guestagent.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.redtrove.common.ReplicationTaskReport;

/** The hourly diagnostics, as ReductStore computes them: scaled up to an hour during the first hour. */
class TaskStatsTest {

    private static final long MINUTE = 60_000;
    private final AtomicLong now = new AtomicLong(1_000 * MINUTE + 5_000);
    private final TaskStats stats = new TaskStats(now::get);

    @Test
    void theFirstHourIsScaledUpToAnHourAndErrorCountsAreNot() {
        stats.ok(1);
        stats.error("WRONGTYPE", "first", 1);
        assertThat(stats.hourly().ok()).as("one record in the first minute: 60 an hour").isEqualTo(60);
        assertThat(stats.hourly().errored()).isEqualTo(60);
        assertThat(stats.hourly().errors().get("WRONGTYPE").count()).isEqualTo(1);

        now.addAndGet(MINUTE);
        stats.ok(2);
        stats.error("WRONGTYPE", "second", 1);
        assertThat(stats.hourly().ok()).as("3 in 2 minutes").isEqualTo(90);
        assertThat(stats.hourly().errors().get("WRONGTYPE").count()).isEqualTo(2);
        assertThat(stats.hourly().errors().get("WRONGTYPE").lastMessage()).isEqualTo("second");

        now.addAndGet(2 * MINUTE);
        assertThat(stats.hourly().ok()).as("a quiet minute counts as a minute: 3 in 4").isEqualTo(45);
    }

    @Test
    void eachMinuteIsKeptAsRecordedWithTheMostPendingAtOnce() {
        stats.ok(4);
        stats.pending(10);
        stats.pending(3);
        now.addAndGet(2 * MINUTE);
        stats.error("CONNECTION", "down", 0);
        stats.pending(7);
        assertThat(stats.hourly().minutes()).containsExactly(
                new ReplicationTaskReport.Minute(1_000, 4, 0, 10),
                new ReplicationTaskReport.Minute(1_002, 0, 0, 7));
    }

    @Test
    void afterAnHourOnlyTheLastSixtyMinutesCount() {
        stats.ok(5);
        for (int minute = 1; minute <= 60; minute++) {
            now.addAndGet(MINUTE);
            stats.ok(1);
        }
        assertThat(stats.hourly().ok()).as("the first minute's 5 have aged out").isEqualTo(60);
        assertThat(stats.hourly().errored()).isZero();
        assertThat(stats.hourly().errors()).isEmpty();
    }
}
