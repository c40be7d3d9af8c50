package org.redtrove.api.fault;

/** HTTP 422, Trove fault name "unprocessableEntity". */
public final class Unprocessable extends ApiException {

    public Unprocessable(String message) {
        super(422, "unprocessableEntity", message);
    }

    /** Trove's text when an instance (or a member of its set) has an action in progress. */
    public static Unprocessable busy(Object instanceId, String what, String status) {
        return new Unprocessable("Instance " + instanceId
                + " is not currently available for an action to be performed (" + what + " status was " + status + ").");
    }
}
