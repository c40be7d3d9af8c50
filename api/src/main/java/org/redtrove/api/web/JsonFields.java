package org.redtrove.api.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.redtrove.api.fault.BadRequest;
import tools.jackson.databind.JsonNode;

/**
 * Field checks for the extension routes' JSON bodies (replication tasks, copies), worded as the
 * instance routes' are ({@code Validation error: ...}, jsonschema's phrasing): each refusal names
 * the field and shows the value, strings quoted, everything cut to 80 characters.
 */
public final class JsonFields {

    private static final int SHOWN = 80;

    private JsonFields() {
    }

    public static String string(JsonNode node, String field) {
        if (!node.isString()) {
            throw BadRequest.validation(field + " " + show(node) + " is not of type 'string'");
        }
        return node.asString();
    }

    /** An instance's id or name: a string, not empty. */
    public static String reference(JsonNode node, String field) {
        String value = string(node, field);
        if (value.isEmpty()) {
            throw BadRequest.validation(field + " '' must not be empty");
        }
        return value;
    }

    public static List<String> strings(JsonNode node, String field) {
        if (!node.isArray()) {
            throw BadRequest.validation(field + " " + show(node) + " is not of type 'array'");
        }
        List<String> values = new ArrayList<>();
        int i = 0;
        for (JsonNode element : node.values()) {
            values.add(string(element, field + "[" + i++ + "]"));
        }
        return values;
    }

    /** Label to value, sorted by label as they are shown. */
    public static Map<String, String> labels(JsonNode node, String field) {
        if (!node.isObject()) {
            throw BadRequest.validation(field + " " + show(node) + " is not of type 'object'");
        }
        Map<String, String> labels = new TreeMap<>();
        for (var property : node.properties()) {
            labels.put(property.getKey(), string(property.getValue(), field + "[" + show(property.getKey()) + "]"));
        }
        return labels;
    }

    public static BadRequest unexpected(String key) {
        return BadRequest.validation("Additional properties are not allowed (" + show(key) + " was unexpected)");
    }

    /** A value as jsonschema prints it: strings quoted, everything else as JSON, long ones cut. */
    public static String show(JsonNode node) {
        return node.isString() ? show(node.asString()) : clip(node.toString());
    }

    public static String show(String text) {
        return "'" + clip(text) + "'";
    }

    public static String clip(String text) {
        return text.length() > SHOWN ? text.substring(0, SHOWN - 3) + "..." : text;
    }
}
