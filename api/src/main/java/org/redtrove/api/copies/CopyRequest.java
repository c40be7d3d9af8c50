package org.redtrove.api.copies;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.web.JsonFields;
import org.redtrove.common.Glob;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /copies}, {@code {"copy": {...}}}, checked field by field: each side is
 * {@code source}/{@code target} (an instance's id or name) or {@code source_url}/{@code target_url}
 * with {@code source_password}/{@code target_password}; the filters are those of a replication
 * task, plus {@code start}/{@code stop} (stream entry time: ms since the epoch or ISO-8601),
 * {@code limit}, {@code db} and {@code replace}.
 */
record CopyRequest(String source, String sourceUrl, String sourcePassword, String target, String targetUrl,
                   String targetPassword, List<String> entries, Map<String, String> include,
                   Map<String, String> exclude, Long startMillis, Long stopMillis, Integer eachN, Double eachS,
                   Long limit, int db, boolean replace) {

    static CopyRequest parse(JsonNode body) {
        JsonNode copy = body.get("copy");
        if (copy == null || !copy.isObject()) {
            throw BadRequest.validation("'copy' is a required property");
        }
        for (String key : body.propertyNames()) {
            if (!key.equals("copy")) {
                throw JsonFields.unexpected(key);
            }
        }
        String source = null;
        String sourceUrl = null;
        String sourcePassword = null;
        String target = null;
        String targetUrl = null;
        String targetPassword = null;
        List<String> entries = List.of();
        Map<String, String> include = Map.of();
        Map<String, String> exclude = Map.of();
        Long start = null;
        Long stop = null;
        Integer eachN = null;
        Double eachS = null;
        Long limit = null;
        int db = 0;
        boolean replace = false;
        for (String key : copy.propertyNames()) {
            JsonNode node = copy.get(key);
            if (node.isNull()) {
                continue;
            }
            switch (key) {
                case "source" -> source = JsonFields.reference(node, key);
                case "source_url" -> sourceUrl = JsonFields.string(node, key);
                case "source_password" -> sourcePassword = JsonFields.string(node, key);
                case "target" -> target = JsonFields.reference(node, key);
                case "target_url" -> targetUrl = JsonFields.string(node, key);
                case "target_password" -> targetPassword = JsonFields.string(node, key);
                case "entries" -> entries = keyPatterns(node);
                case "include" -> include = JsonFields.labels(node, key);
                case "exclude" -> exclude = JsonFields.labels(node, key);
                case "start" -> start = time(node, key);
                case "stop" -> stop = time(node, key);
                case "each_n" -> eachN = (int) whole(node, key, 1, Integer.MAX_VALUE);
                case "each_s" -> {
                    if (!node.isNumber()) {
                        throw BadRequest.validation("each_s " + JsonFields.show(node) + " is not of type 'number', 'null'");
                    }
                    if (!(node.asDouble() > 0)) {
                        throw BadRequest.validation("each_s " + JsonFields.show(node) + " must be greater than 0");
                    }
                    eachS = node.asDouble();
                }
                case "limit" -> limit = whole(node, key, 1, Long.MAX_VALUE);
                case "db" -> db = (int) whole(node, key, 0, 15);
                case "replace" -> {
                    if (!node.isBoolean()) {
                        throw BadRequest.validation("replace " + JsonFields.show(node) + " is not of type 'boolean'");
                    }
                    replace = node.asBoolean();
                }
                default -> throw JsonFields.unexpected(key);
            }
        }
        requireOneSide("source", source, sourceUrl);
        requireOneSide("target", target, targetUrl);
        if (start != null && stop != null && stop <= start) {
            throw BadRequest.validation("stop must be later than start");
        }
        return new CopyRequest(source, sourceUrl, sourcePassword, target, targetUrl, targetPassword, entries,
                include, exclude, start, stop, eachN, eachS, limit, db, replace);
    }

    private static void requireOneSide(String side, String instance, String url) {
        if (instance == null && url == null) {
            throw BadRequest.validation("one of '" + side + "' (an instance) or '" + side + "_url' is required");
        }
        if (instance != null && url != null) {
            throw BadRequest.validation("'" + side + "' and '" + side + "_url' are mutually exclusive");
        }
    }

    private static List<String> keyPatterns(JsonNode node) {
        List<String> patterns = JsonFields.strings(node, "entries");
        for (String pattern : patterns) {
            Glob.problem(pattern).ifPresent(problem -> {
                throw BadRequest.validation("key pattern " + JsonFields.show(pattern) + " " + problem);
            });
        }
        return patterns;
    }

    private static long whole(JsonNode node, String field, long min, long max) {
        if (!node.isIntegralNumber()) {
            throw BadRequest.validation(field + " " + JsonFields.show(node) + " is not of type 'integer'");
        }
        if (!node.canConvertToLong() || node.asLong() > max) {
            throw BadRequest.validation(field + " " + JsonFields.show(node) + " is greater than the maximum of " + max);
        }
        if (node.asLong() < min) {
            throw BadRequest.validation(field + " " + JsonFields.show(node) + " is less than the minimum of " + min);
        }
        return node.asLong();
    }

    /** A stream entry time: ms since the epoch, or an ISO-8601 instant. */
    private static long time(JsonNode node, String field) {
        if (node.isIntegralNumber()) {
            return whole(node, field, 0, Long.MAX_VALUE);
        }
        if (node.isString()) {
            try {
                return Instant.parse(node.asString()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw BadRequest.validation(field + " " + JsonFields.show(node)
                        + " is neither ms since the epoch nor an ISO-8601 time such as 2026-01-31T12:00:00Z");
            }
        }
        throw BadRequest.validation(field + " " + JsonFields.show(node) + " is not of type 'integer', 'string'");
    }
}
