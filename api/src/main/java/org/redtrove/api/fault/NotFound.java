package org.redtrove.api.fault;

/** HTTP 404, Trove fault name "itemNotFound". */
public final class NotFound extends ApiException {

    public NotFound(String message) {
        super(404, "itemNotFound", message);
    }

    /** Trove's text for an unknown id, a name, or another project's resource. */
    public static NotFound resource(String id) {
        return new NotFound("Resource " + id + " cannot be found.");
    }
}
