package org.redtrove.api.fault;

/** HTTP 400, Trove fault name "badRequest". */
public final class BadRequest extends ApiException {

    public BadRequest(String message) {
        super(400, "badRequest", message);
    }

    /** A request body that does not follow the schema, worded like Trove's jsonschema errors. */
    public static BadRequest validation(String detail) {
        return new BadRequest("Validation error: " + detail);
    }
}
