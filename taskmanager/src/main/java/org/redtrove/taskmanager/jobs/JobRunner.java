package org.redtrove.taskmanager.jobs;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobState;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.redtrove.taskmanager.amqp.Messaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one job by id: claims its lease, hands it to the executor of its kind, records the outcome.
 * A job that is finished, or leased by another live taskmanager, is left alone, which is what
 * makes a redelivered or re-published job message harmless.
 */
@Component
public class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobRepository jobs;
    private final TransactionTemplate tx;
    private final Failpoints failpoints;
    private final TaskManagerProperties properties;
    private final Messaging messaging;
    private final Map<JobKind, JobExecutor> executors = new EnumMap<>(JobKind.class);
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    /** Long-running jobs (copies): started from a consumer thread, run here. */
    private final java.util.concurrent.ExecutorService longRunning = java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
                Thread t = new Thread(r, "long-job");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean stopping;
    private final MeterRegistry meters;

    public JobRunner(JobRepository jobs, TransactionTemplate tx, Failpoints failpoints,
                     TaskManagerProperties properties, Messaging messaging, List<JobExecutor> executors,
                     MeterRegistry meters) {
        this.meters = meters;
        this.messaging = messaging;
        this.jobs = jobs;
        this.tx = tx;
        this.failpoints = failpoints;
        this.properties = properties;
        executors.forEach(e -> this.executors.put(e.kind(), e));
    }

    /** Runs the job if it is ours to run. Returns normally whatever the job's outcome. */
    private static final java.time.Duration[] JOB_BUCKETS = {java.time.Duration.ofMillis(100),
            java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2),
            java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(15), java.time.Duration.ofSeconds(60),
            java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(30)};

    public void run(UUID jobId) {
        if (running.contains(jobId) || !jobs.claim(jobId, messaging.processId(), properties.jobLease())) {
            log.debug("Job {} is finished or leased; nothing to do", jobId);
            return;
        }
        Job job = jobs.find(jobId).orElseThrow();
        JobExecutor executor = executors.get(job.kind());
        if (!running.add(jobId)) {
            return; // another consumer thread of this process claimed it at the same moment
        }
        if (executor != null && executor.longRunning()) {
            // its message is acked now; the lease, renewed while it runs, is what keeps it ours, and
            // JobRecovery publishes it again if this process dies
            longRunning.submit(() -> {
                try {
                    execute(job, executor);
                } catch (DataAccessException e) {
                    log.warn("{} job {} lost the database; it resumes when its lease lapses", job.kind(), jobId);
                }
            });
            return;
        }
        execute(job, executor);
    }

    private void execute(Job job, JobExecutor executor) {
        UUID jobId = job.id();
        JobContext context = null;
        long started = System.nanoTime();
        String outcome = "database_lost"; // what an escaping exception means: the job resumes later
        try {
            if (executor == null) {
                throw new JobFailedException("This taskmanager cannot run " + job.kind() + " jobs.");
            }
            log.info("Running {} job {} (attempt {})", job.kind(), jobId, job.attempts());
            context = new JobContext(job, jobs, tx, failpoints);
            executor.execute(context);
            jobs.finish(jobId, JobState.SUCCEEDED, null);
            outcome = "succeeded";
            log.info("{} job {} succeeded", job.kind(), jobId);
        } catch (RuntimeException e) {
            if (isDatabaseLoss(e)) {
                throw databaseLost(job, lossIn(e));
            }
            if (context != null && context.databaseLost() != null) {
                // What failed was a record, not the job: judged now, a PostgreSQL restart fails it.
                throw databaseLost(job, context.databaseLost());
            }
            if (stopping && executor != null && executor.longRunning()) {
                // stopped with the process, not failed: another taskmanager (or this one, restarted) resumes it
                log.info("{} job {} stops with this taskmanager; it resumes from where it stood", job.kind(), jobId);
                jobs.release(jobId, messaging.processId());
                outcome = "released";
                return;
            }
            String error = e instanceof JobFailedException ? e.getMessage() : describe(e);
            log.warn("{} job {} failed: {}", job.kind(), jobId, error,
                    e instanceof JobFailedException ? null : e);
            try {
                if (executor != null) {
                    executor.failed(job, error);
                }
            } finally {
                jobs.finish(jobId, JobState.FAILED, error);
                outcome = "failed";
            }
        } finally {
            running.remove(jobId);
            recordRun(job, outcome, System.nanoTime() - started);
        }
    }

    /**
     * One attempt at a job, by kind and outcome: succeeded, failed, released (stopped with this
     * process, to be resumed) or database_lost (to be resumed once the lease lapses).
     */
    private void recordRun(Job job, String outcome, long nanos) {
        Timer.builder("redtrove.job.runs")
                .description("attempts at jobs run by this taskmanager, and how long each took")
                .tags("kind", job.kind().name(), "outcome", outcome)
                .serviceLevelObjectives(JOB_BUCKETS)
                .register(meters)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * The database could not be reached or dropped the connection (a restart): not a verdict on
     * the job. A constraint violation or bad SQL is one, and fails the job as before. Executors
     * that carry on past one member's failure let such an error through instead.
     */
    public static boolean isDatabaseLoss(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof RecoverableDataAccessException) {
                return true;
            }
        }
        return false;
    }

    /** The database loss in {@code e}'s causes (a parallel step's, say). */
    private static DataAccessException lossIn(Throwable e) {
        for (Throwable t = e; ; t = t.getCause()) {
            if (t instanceof DataAccessException d && isDatabaseLoss(d)) {
                return d;
            }
        }
    }

    /**
     * The database went away during the attempt: nothing is decided, the lease lapses and the job
     * is resumed from its recorded steps (JobRecovery), as after a crash of this process. The
     * error goes on to the listener, which puts the message back.
     */
    private static DataAccessException databaseLost(Job job, DataAccessException e) {
        log.warn("{} job {} lost the database; it resumes from its recorded steps: {}", job.kind(), job.id(),
                e.getMessage());
        return e;
    }

    @jakarta.annotation.PreDestroy
    void stopLongRunning() throws InterruptedException {
        stopping = true;
        longRunning.shutdownNow();
        longRunning.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Scheduled(fixedDelayString = "${redtrove.taskmanager.lease-renewal:5s}")
    void renewLeases() {
        if (!running.isEmpty()) {
            jobs.renew(new ArrayList<>(running), messaging.processId(), properties.jobLease());
        }
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
