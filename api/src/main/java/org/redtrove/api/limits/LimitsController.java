package org.redtrove.api.limits;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.quotas.QuotaService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Trove's limits (trove/limits/views.py): first one ABSOLUTE entry with the caller's project's
 * quota limits as {@code max_<resource>}, then the caller's rate limits as they stand now.
 */
@RestController
class LimitsController {

    private static final DateTimeFormatter ISO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final QuotaService quotas;
    private final RateLimiter limiter;

    LimitsController(QuotaService quotas, RateLimiter limiter) {
        this.quotas = quotas;
        this.limiter = limiter;
    }

    @GetMapping("/v1.0/{projectId}/limits")
    Map<String, List<Map<String, Object>>> limits(AuthContext auth) {
        List<Map<String, Object>> limits = new ArrayList<>();
        Map<String, Object> absolute = new LinkedHashMap<>();
        absolute.put("verb", "ABSOLUTE");
        quotas.limits(auth.projectId()).forEach((resource, limit) -> absolute.put("max_" + resource.wireName(), limit));
        limits.add(absolute);
        for (RateLimiter.State state : limiter.state(auth.userId())) {
            Map<String, Object> rate = new LinkedHashMap<>();
            rate.put("nextAvailable", ISO_TIME.format(state.nextAvailable()));
            rate.put("remaining", state.remaining());
            rate.put("unit", state.limit().unitName());
            rate.put("value", state.limit().value());
            rate.put("verb", state.limit().verb());
            rate.put("uri", state.limit().uri());
            rate.put("regex", state.limit().regex());
            limits.add(rate);
        }
        return Map.of("limits", limits);
    }
}
