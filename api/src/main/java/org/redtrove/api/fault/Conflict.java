package org.redtrove.api.fault;

/** HTTP 409, fault name "conflict": a name already taken, or a provisioned object that may not change. */
public final class Conflict extends ApiException {

    public Conflict(String message) {
        super(409, "conflict", message);
    }
}
