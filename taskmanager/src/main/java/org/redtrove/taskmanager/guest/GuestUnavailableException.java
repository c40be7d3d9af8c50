package org.redtrove.taskmanager.guest;

/** The guest agent did not answer in time, or the request could not be sent. */
public class GuestUnavailableException extends RuntimeException {

    public GuestUnavailableException(String message) {
        super(message);
    }
}
