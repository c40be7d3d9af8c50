package org.redtrove.taskmanager.jobs;

import org.redtrove.common.JobKind;

/** Runs the jobs of one kind. Implementations are the executors of DESIGN.md decision 3. */
public interface JobExecutor {

    JobKind kind();

    /**
     * Runs (or resumes) the job. Throw {@link JobFailedException} for an outcome the user must be
     * told about; any other exception is treated the same way, with its message.
     */
    void execute(JobContext context);

    /**
     * True for jobs that run as long as their data takes (a copy): they run on threads of their own,
     * so they never hold up a promote or a failover waiting for a job consumer.
     */
    default boolean longRunning() {
        return false;
    }

    /** Leaves the instances the job touched in a state the user can see and act on. */
    void failed(Job job, String error);
}
