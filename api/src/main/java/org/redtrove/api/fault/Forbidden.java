package org.redtrove.api.fault;

/** HTTP 403, Trove fault name "forbidden". */
public final class Forbidden extends ApiException {

    public Forbidden(String message) {
        super(403, "forbidden", message);
    }
}
