package org.redtrove.taskmanager.jobs;

import java.util.Set;
import java.util.function.Supplier;
import org.redtrove.common.Wire;

/**
 * What an executor sees of its running job. Completed steps are recorded on the job row, and a
 * resumed run skips them, so a redelivered job continues where the previous attempt stopped
 * instead of repeating it. Each step must still be idempotent itself: a crash can come after a
 * step's effect and before its record.
 */
public final class JobContext {

    private final Job job;
    private final JobRepository jobs;
    private final Set<String> completed;

    JobContext(Job job, JobRepository jobs) {
        this.job = job;
        this.jobs = jobs;
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
        body.run();
        done(name);
    }

    /** Like {@link #step(String, Runnable)}, for steps whose outcome later steps need. */
    public <T> T step(String name, Class<T> type, Supplier<T> body) {
        String key = "result." + name;
        if (completed.contains(name)) {
            var recorded = jobs.progressValue(job.id(), key);
            if (recorded.isPresent()) {
                return Wire.fromJson(recorded.get(), type);
            }
        }
        T value = body.get();
        jobs.recordProgress(job.id(), key, value);
        done(name);
        return value;
    }

    /** Records a figure or a decision on the job, for the user and for a resumed run. */
    public void progress(String key, Object value) {
        jobs.recordProgress(job.id(), key, value);
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
        jobs.stepDone(job.id(), name);
        completed.add(name);
    }
}
