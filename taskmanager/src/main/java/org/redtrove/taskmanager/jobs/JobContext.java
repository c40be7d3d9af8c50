package org.redtrove.taskmanager.jobs;

import java.util.Set;
import java.util.function.Supplier;
import org.redtrove.common.Wire;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an executor sees of its running job. Completed steps are recorded on the job row, and a
 * resumed run skips them, so a redelivered job continues where the previous attempt stopped
 * instead of repeating it. Each step must still be idempotent itself: a crash can come after a
 * step's effect and before its record.
 *
 * <p>A record that the database refuses (it restarted, it is away) is remembered: the executor
 * may catch that error as if the step had failed, but the attempt is then resumed once the
 * database is back rather than judged (see {@link JobRunner}).
 */
public final class JobContext {

    /** Where a step's result is kept in the job's progress document. */
    private static final String RESULT = "result.";

    private final Job job;
    private final JobRepository jobs;
    private final TransactionTemplate tx;
    private final Failpoints failpoints;
    private final Set<String> completed;
    private volatile DataAccessException databaseLost;

    JobContext(Job job, JobRepository jobs, TransactionTemplate tx, Failpoints failpoints) {
        this.job = job;
        this.jobs = jobs;
        this.tx = tx;
        this.failpoints = failpoints;
        // Steps of one job may run in parallel threads (re-pointing several replicas at once).
        this.completed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        this.completed.addAll(jobs.completedSteps(job.id()));
    }

    public Job job() {
        return job;
    }

    /** Runs {@code body} as the named step unless an earlier attempt completed it. */
    public void step(String name, Runnable body) {
        if (completed.contains(name)) {
            return;
        }
        failpoints.reached(job.kind(), name, Failpoints.Phase.BEFORE);
        body.run();
        failpoints.reached(job.kind(), name, Failpoints.Phase.AFTER_EFFECT);
        done(name);
        failpoints.reached(job.kind(), name, Failpoints.Phase.AFTER);
    }

    /** Like {@link #step(String, Runnable)}, for steps whose outcome later steps need. */
    public <T> T step(String name, Class<T> type, Supplier<T> body) {
        var recorded = result(name, type);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        String key = RESULT + name;
        failpoints.reached(job.kind(), name, Failpoints.Phase.BEFORE);
        T value = body.get();
        failpoints.reached(job.kind(), name, Failpoints.Phase.AFTER_EFFECT);
        recording(() -> jobs.recordProgress(job.id(), key, value));
        done(name);
        failpoints.reached(job.kind(), name, Failpoints.Phase.AFTER);
        return value;
    }

    /**
     * A commit point: {@code body} writes to the database (a new master and epoch, say), and it and
     * the record of the step are one transaction, so a crash leaves either both or neither. A
     * resumed job gets the recorded result and does not run the body again.
     */
    public <T> T commit(String name, Class<T> type, Supplier<T> body) {
        var recorded = result(name, type);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        String key = RESULT + name;
        failpoints.reached(job.kind(), name, Failpoints.Phase.BEFORE);
        T value = recording(() -> tx.execute(status -> {
            T result = body.get();
            jobs.recordProgress(job.id(), key, result);
            jobs.stepDone(job.id(), name);
            return result;
        }));
        completed.add(name);
        failpoints.reached(job.kind(), name, Failpoints.Phase.AFTER);
        return value;
    }

    /** The recorded result of a completed step ({@link #step(String, Class, Supplier)} or a commit). */
    public <T> java.util.Optional<T> result(String name, Class<T> type) {
        if (!completed.contains(name)) {
            return java.util.Optional.empty();
        }
        return jobs.progressValue(job.id(), RESULT + name).map(json -> Wire.fromJson(json, type));
    }

    /** Records a figure or a decision on the job, for the user and for a resumed run. */
    public void progress(String key, Object value) {
        recording(() -> jobs.recordProgress(job.id(), key, value));
    }

    /** The database error that interrupted a record of this attempt, or null. */
    DataAccessException databaseLost() {
        return databaseLost;
    }

    /** True when an earlier attempt, or this one, completed the named step. */
    public boolean isDone(String name) {
        return completed.contains(name);
    }

    /** A value recorded with {@link #progress(String, Object)}, as JSON text. */
    public java.util.Optional<String> recorded(String key) {
        return jobs.progressValue(job.id(), key);
    }

    /** Waits between polls; an interrupted wait (the process is stopping) ends the job's attempt. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailedException("Interrupted.");
        }
    }

    private void done(String name) {
        recording(() -> jobs.stepDone(job.id(), name));
        completed.add(name);
    }

    private void recording(Runnable write) {
        recording(() -> {
            write.run();
            return null;
        });
    }

    private <T> T recording(Supplier<T> write) {
        try {
            return write.get();
        } catch (DataAccessException e) {
            if (JobRunner.isDatabaseLoss(e)) {
                databaseLost = e;
            }
            throw e;
        }
    }
}
