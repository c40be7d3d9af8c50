package org.redtrove.api.fault;

/** HTTP 401, Trove fault name "unauthorized". */
public final class Unauthorized extends ApiException {

    public Unauthorized(String message) {
        super(401, "unauthorized", message);
    }
}
