package org.redtrove.api.limits;

import java.time.Duration;

/**
 * One of Trove's rate limits (trove/common/limits.py, Limit): how many requests of one verb a user
 * may make to the matching paths per unit of time. Trove's defaults apply one limit per verb to
 * every path ("*", regex ".*").
 */
record RateLimit(String verb, String uri, String regex, int value, Duration unit) {

    /** Trove's unit names, by their length in seconds. */
    String unitName() {
        return switch ((int) unit.toSeconds()) {
            case 1 -> "SECOND";
            case 60 -> "MINUTE";
            case 3600 -> "HOUR";
            case 86_400 -> "DAY";
            default -> "UNKNOWN";
        };
    }

    /** Trove's text when the limit is hit. */
    String errorMessage() {
        return "Only " + value + " " + verb + " request(s) can be made to " + uri + " every "
                + unitName().toLowerCase() + ".";
    }

    /** The share of the bucket one request fills, in seconds: a unit spread over the allowed requests. */
    double secondsPerRequest() {
        return (double) unit.toSeconds() / value;
    }
}
