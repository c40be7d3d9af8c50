package org.redtrove.api.replications;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.web.JsonFields;
import org.redtrove.common.Glob;
import tools.jackson.databind.JsonNode;

/**
 * A replication task's settings as a client (or the environment provisioner) gives them:
 * the source and the destination by reference, not yet resolved, and the filters. The body of
 * {@code POST} and {@code PUT /replications/{name}} is this object itself, flat, as in ReductStore.
 * The constructor holds the rules every caller must follow (one destination, filter ranges), so
 * the provisioner gets the same refusals as the API; {@link #parse} adds the JSON type checks.
 *
 * @param srcInstance id or name of an instance of the task's project
 * @param dstInstance id or name of an instance of the project; null when {@code dstHost} is given
 * @param dstHost     {@code redis://host:port[/db]} or {@code rediss://...}, as given
 * @param dstPassword the password for {@code dstHost}; null or {@link #MASK} keeps the stored one
 *                    while the host is unchanged (see ReplicationTaskService), "" means none
 * @param entries     key glob patterns; empty means every key
 * @param include     label to value: records must carry all of them
 * @param exclude     label to value: records carrying any of them are left out
 * @param eachN       keep one record in N; null for all
 * @param eachS       keep at most one record per this many seconds; null for all
 */
public record ReplicationSettings(String srcInstance, String dstInstance, String dstHost, String dstPassword,
                                  List<String> entries, Map<String, String> include, Map<String, String> exclude,
                                  Integer eachN, Double eachS, ReplicationMode mode) {

    /** What a stored password is shown as, and what a client sends back to keep it. */
    public static final String MASK = "***";

    public ReplicationSettings {
        if (srcInstance == null) {
            throw BadRequest.validation("'src_instance' is a required property");
        }
        if (dstInstance == null && dstHost == null) {
            throw BadRequest.validation("one of 'dst_instance' and 'dst_host' is required");
        }
        if (dstInstance != null && dstHost != null) {
            throw BadRequest.validation("'dst_instance' and 'dst_host' are mutually exclusive; give one of them");
        }
        if (dstInstance != null && dstPassword != null) {
            throw BadRequest.validation("'dst_password' is only used with 'dst_host'");
        }
        entries = entries == null ? List.of() : List.copyOf(entries);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).isEmpty()) {
                throw BadRequest.validation("entries[" + i + "] must not be empty");
            }
            String pattern = entries.get(i);
            Glob.problem(pattern).ifPresent(problem -> {
                throw BadRequest.validation("key pattern " + JsonFields.show(pattern) + " " + problem);
            });
        }
        include = labels(include, "include");
        exclude = labels(exclude, "exclude");
        if (eachN != null && eachN < 1) {
            throw BadRequest.validation("each_n " + eachN + " is less than the minimum of 1");
        }
        if (eachS != null && (eachS.isNaN() || eachS.isInfinite())) {
            throw BadRequest.validation("each_s must be a finite number");
        }
        if (eachS != null && eachS <= 0) {
            throw BadRequest.validation("each_s " + eachS + " is less than or equal to the minimum of 0");
        }
        mode = mode == null ? ReplicationMode.ENABLED : mode;
    }

    private static Map<String, String> labels(Map<String, String> labels, String field) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.containsKey("")) {
            throw BadRequest.validation(field + " has an empty label");
        }
        return Collections.unmodifiableMap(new TreeMap<>(labels)); // by label, as they are shown
    }

    /** These settings with another mode. */
    ReplicationSettings withMode(ReplicationMode other) {
        return new ReplicationSettings(srcInstance, dstInstance, dstHost, dstPassword, entries, include, exclude,
                eachN, eachS, other);
    }

    /** True when the settings carry a password of their own (not absent, not the mask). */
    boolean givesPassword() {
        return dstPassword != null && !dstPassword.equals(MASK);
    }

    /**
     * The settings in a request body, checked field by field with messages worded like the instance
     * routes' ({@code Validation error: ...}). Null is read as absent. The password's value is
     * never shown in a message.
     */
    static ReplicationSettings parse(JsonNode body) {
        String src = null;
        String dstInstance = null;
        String dstHost = null;
        String dstPassword = null;
        List<String> entries = null;
        Map<String, String> include = null;
        Map<String, String> exclude = null;
        Integer eachN = null;
        Double eachS = null;
        ReplicationMode mode = null;
        for (String key : body.propertyNames()) {
            JsonNode node = body.get(key);
            if (node.isNull()) {
                continue;
            }
            switch (key) {
                case "src_instance" -> src = JsonFields.reference(node, key);
                case "dst_instance" -> dstInstance = JsonFields.reference(node, key);
                case "dst_host" -> dstHost = JsonFields.string(node, key);
                case "dst_password" -> {
                    if (!node.isString()) {
                        throw BadRequest.validation("dst_password is not of type 'string'");
                    }
                    dstPassword = node.asString();
                }
                case "entries" -> entries = JsonFields.strings(node, key);
                case "include" -> include = JsonFields.labels(node, key);
                case "exclude" -> exclude = JsonFields.labels(node, key);
                case "each_n" -> eachN = eachN(node);
                case "each_s" -> {
                    if (!node.isNumber()) {
                        throw BadRequest.validation("each_s " + JsonFields.show(node) + " is not of type 'number', 'null'");
                    }
                    eachS = node.asDouble();
                }
                case "mode" -> mode = mode(node);
                default -> throw JsonFields.unexpected(key);
            }
        }
        return new ReplicationSettings(src, dstInstance, dstHost, dstPassword, entries, include, exclude, eachN,
                eachS, mode);
    }

    /** The value of a mode field: PATCH's body and the settings' "mode". */
    static ReplicationMode mode(JsonNode node) {
        if (!node.isString()) {
            throw BadRequest.validation("mode " + JsonFields.show(node) + " is not of type 'string'");
        }
        return ReplicationMode.fromWire(node.asString()).orElseThrow(() -> BadRequest.validation(
                "mode " + JsonFields.show(node) + " is not one of ['enabled', 'paused', 'disabled']"));
    }

    private static Integer eachN(JsonNode node) {
        if (!node.isIntegralNumber()) {
            throw BadRequest.validation("each_n " + JsonFields.show(node) + " is not of type 'integer', 'null'");
        }
        if (!node.canConvertToInt()) {
            throw BadRequest.validation(node.bigIntegerValue().signum() > 0
                    ? "each_n " + JsonFields.show(node) + " is greater than the maximum of " + Integer.MAX_VALUE
                    : "each_n " + JsonFields.show(node) + " is less than the minimum of 1");
        }
        return node.asInt();
    }
}
