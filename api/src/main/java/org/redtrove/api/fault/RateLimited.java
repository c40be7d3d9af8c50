package org.redtrove.api.fault;

/**
 * HTTP 413, Trove's OverLimitFault for a rate limit: besides the message it carries the limit that
 * was hit ({@code details}) and how many seconds to wait ({@code retryAfter}, also the Retry-After
 * header), which {@link FaultAdvice} adds to the body.
 */
public final class RateLimited extends ApiException {

    private final String details;
    private final long retryAfterSeconds;

    public RateLimited(String details, long retryAfterSeconds) {
        super(413, "overLimit", "This request was rate-limited.");
        this.details = details;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String details() {
        return details;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
