package org.redtrove.api.fault;

import java.util.List;
import java.util.stream.Collectors;

/**
 * HTTP 413, Trove fault name "overLimit": a create would take the project over a quota. The text is
 * Trove's (exception.QuotaExceeded), with the resources as Python prints the sorted list.
 */
public final class QuotaExceeded extends ApiException {

    public QuotaExceeded(List<String> resources) {
        super(413, "overLimit", "Quota exceeded for resources: "
                + resources.stream().sorted().map(r -> "'" + r + "'").collect(Collectors.joining(", ", "[", "]")) + ".");
    }
}
