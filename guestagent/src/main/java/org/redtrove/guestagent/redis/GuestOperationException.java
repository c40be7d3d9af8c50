package org.redtrove.guestagent.redis;

/** A request the agent could not carry out; the message is fit to return to the taskmanager. */
public class GuestOperationException extends RuntimeException {

    public GuestOperationException(String message) {
        super(message);
    }

    public GuestOperationException(String message, Throwable cause) {
        super(message, cause);
    }
}
