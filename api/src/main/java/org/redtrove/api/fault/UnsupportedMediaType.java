package org.redtrove.api.fault;

/** HTTP 415, Trove fault name "badMediaType": a body that is not JSON. */
public final class UnsupportedMediaType extends ApiException {

    public UnsupportedMediaType(String message) {
        super(415, "badMediaType", message);
    }
}
