package org.redtrove.api.quotas;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.web.JsonBodyReader;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Trove's admin quota routes (trove/extensions/mgmt/quota), in the shapes {@code trove quota-show}
 * / {@code quota-update} and {@code openstack database quota show / update} read. Admins only
 * (TrovePolicy); the tenant is any project id, including one that only an external Keystone knows.
 */
@RestController
@RequestMapping("/v1.0/{projectId}/mgmt/quotas/{tenantId}")
class QuotaController {

    record UsageView(String resource, @JsonProperty("in_use") long inUse, long reserved, int limit) {
    }

    private final QuotaService quotas;
    private final JsonBodyReader bodies;

    QuotaController(QuotaService quotas, JsonBodyReader bodies) {
        this.quotas = quotas;
        this.bodies = bodies;
    }

    @GetMapping
    Map<String, List<UsageView>> show(@PathVariable String tenantId) {
        List<UsageView> view = new ArrayList<>();
        for (QuotaService.Usage u : quotas.usages(tenantId)) {
            view.add(new UsageView(u.resource().wireName(), u.inUse(), u.reserved(), u.limit()));
        }
        return Map.of("quotas", view);
    }

    /** Sets the given limits (null ones are skipped, as Trove does) and answers the ones it set. */
    @PutMapping
    Map<String, Map<String, Integer>> update(@PathVariable String tenantId, HttpServletRequest request) {
        JsonNode body = bodies.read(request).get("quotas");
        if (body == null || !body.isObject()) {
            throw BadRequest.validation("'quotas' is a required property and must be an object");
        }
        Map<QuotaResource, Integer> changes = new LinkedHashMap<>();
        for (var entry : body.properties()) {
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            QuotaResource resource = QuotaResource.ofWireName(entry.getKey());
            if (resource == null) {
                throw new NotFound("Unknown quota resources " + entry.getKey() + ".");
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw BadRequest.validation("quotas['" + entry.getKey() + "'] " + value + " is not of type 'integer'");
            }
            if (value.asInt() < -1) {
                throw new BadRequest("Quota limit " + value.asInt() + " for " + entry.getKey()
                        + " is too small; -1 means unlimited.");
            }
            changes.put(resource, value.asInt());
        }
        Map<String, Integer> updated = new LinkedHashMap<>();
        changes.forEach((resource, limit) -> {
            quotas.setLimit(tenantId, resource, limit);
            updated.put(resource.wireName(), limit);
        });
        return Map.of("quotas", updated);
    }
}
