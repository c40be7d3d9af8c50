package org.redtrove.taskmanager.jobs;

/** A job cannot complete; the message is recorded on the job and shown to the user as a fault. */
public class JobFailedException extends RuntimeException {

    public JobFailedException(String message) {
        super(message);
    }
}
