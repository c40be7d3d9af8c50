package org.redtrove.taskmanager.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobState;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.redtrove.taskmanager.amqp.Messaging;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a job's outcome is when the database, not the job, failed: the chaos run restarted
 * PostgreSQL during a promote, a re-pointed member's step record failed, the promote reported
 * that member as not switched, and the job was FAILED once the database was back, although
 * resuming it would have finished it.
 */
class JobRunnerTest {

    private final UUID jobId = UUID.randomUUID();
    private final Jobs jobs = new Jobs();
    private final List<String> failedCalls = new ArrayList<>();
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    @Test
    void aStepRecordThatMeetsALostDatabaseLeavesTheJobToBeResumed() {
        jobs.recordsFail = true;
        // As Repointing does: a member whose step throws is a failure of that member.
        JobRunner runner = runner(context -> {
            try {
                context.step("repoint-member", () -> { });
            } catch (RuntimeException e) {
                throw new JobFailedException("member may not have been switched: " + e.getMessage());
            }
        });

        assertThatThrownBy(() -> runner.run(jobId)).isInstanceOf(DataAccessException.class);
        assertThat(jobs.finished).isEmpty();
        assertThat(failedCalls).isEmpty();
        assertThat(meters.get("redtrove.job.runs").tags("kind", "PROMOTE", "outcome", "database_lost").timer().count())
                .isEqualTo(1);
    }

    @Test
    void aLostDatabaseInAParallelStepLeavesTheJobToBeResumed() {
        // As an attach's replicas do: each in a thread of its own, joined.
        JobRunner runner = runner(context -> java.util.concurrent.CompletableFuture.runAsync(() -> {
            throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
        }).join());

        assertThatThrownBy(() -> runner.run(jobId)).isInstanceOf(DataAccessException.class);
        assertThat(jobs.finished).isEmpty();
        assertThat(failedCalls).isEmpty();
    }

    @Test
    void aJobThatFailsOnItsOwnIsStillFailed() {
        JobRunner runner = runner(context -> {
            throw new JobFailedException("no replica can take over");
        });

        runner.run(jobId);

        assertThat(jobs.finished).containsExactly(JobState.FAILED);
        assertThat(failedCalls).containsExactly("no replica can take over");
        assertThat(meters.get("redtrove.job.runs").tags("kind", "PROMOTE", "outcome", "failed").timer().count())
                .isEqualTo(1);
    }

    private JobRunner runner(java.util.function.Consumer<JobContext> body) {
        JobExecutor executor = new JobExecutor() {
            @Override
            public JobKind kind() {
                return JobKind.PROMOTE;
            }

            @Override
            public void execute(JobContext context) {
                body.accept(context);
            }

            @Override
            public void failed(Job job, String error) {
                failedCalls.add(error);
            }
        };
        TaskManagerProperties properties = new TaskManagerProperties(1, Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
        return new JobRunner(jobs, new TransactionTemplate(), new Failpoints("", ""), properties,
                new Messaging("test"), List.of(executor), meters);
    }

    /** The job table of one job, in memory; its records can be made to fail as with the database gone. */
    private final class Jobs extends JobRepository {
        boolean recordsFail;
        final List<JobState> finished = new ArrayList<>();
        final Set<String> done = new HashSet<>();

        Jobs() {
            super(null);
        }

        @Override
        public Optional<Job> find(UUID id) {
            return Optional.of(new Job(jobId, JobKind.PROMOTE, "p", UUID.randomUUID(), null, JobState.RUNNING,
                    null, 1));
        }

        @Override
        public boolean claim(UUID id, String owner, Duration lease) {
            return true;
        }

        @Override
        public Set<String> completedSteps(UUID id) {
            return Set.copyOf(done);
        }

        @Override
        public void stepDone(UUID id, String step) {
            if (recordsFail) {
                throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
            }
            done.add(step);
        }

        @Override
        public void finish(UUID id, JobState state, String error) {
            finished.add(state);
        }
    }
}
