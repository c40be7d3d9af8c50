package org.redtrove.api.fault;

/**
 * An error a Trove client is meant to see: a status and the fault name of Trove's body
 * {@code {"<name>":{"code":N,"message":"..."}}}. One subclass per kind; {@link FaultAdvice} maps them.
 */
public abstract sealed class ApiException extends RuntimeException
        permits BadRequest, Unauthorized, Forbidden, PolicyNotAuthorized, NotFound, UnsupportedMediaType,
        Unprocessable, Conflict, QuotaExceeded, RateLimited {

    private final int status;
    private final String faultName;

    protected ApiException(int status, String faultName, String message) {
        super(message, null, false, false); // expected outcomes: no stack trace to fill or log
        this.status = status;
        this.faultName = faultName;
    }

    public int status() {
        return status;
    }

    public String faultName() {
        return faultName;
    }
}
