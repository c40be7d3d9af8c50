package org.redtrove.api.fault;

/** HTTP 403: the caller's roles do not allow a Trove rule (Trove's PolicyNotAuthorized, with its text). */
public final class PolicyNotAuthorized extends ApiException {

    public PolicyNotAuthorized(String action) {
        super(403, "forbidden", "Policy doesn't allow " + action + " to be performed.");
    }
}
