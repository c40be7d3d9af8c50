package org.redtrove.api.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.UnsupportedMediaType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body as a JSON tree, at most {@code redtrove.api.max-body-bytes}. Controllers
 * validate the tree by hand, so a wrong type gives a precise message instead of a binding error.
 */
@Component
public class JsonBodyReader {

    private final JsonMapper mapper;
    private final int maxBytes;

    public JsonBodyReader(JsonMapper mapper, @Value("${redtrove.api.max-body-bytes:65536}") int maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }

    public JsonNode read(HttpServletRequest request) {
        String contentType = request.getContentType();
        if (contentType != null && !isJson(contentType)) {
            throw new UnsupportedMediaType("Content-Type " + contentType + " is not supported; use application/json.");
        }
        byte[] body = readCapped(request);
        if (body.length == 0) {
            throw new BadRequest("The request body is empty; a JSON object is required.");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JacksonException e) {
            throw new BadRequest("The request body is not valid JSON.");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new BadRequest("The request body is empty; a JSON object is required.");
        }
        if (!tree.isObject()) {
            throw new BadRequest("The request body must be a JSON object.");
        }
        if (!isClean(tree)) {
            throw new BadRequest(RequestText.INVALID);
        }
        return tree;
    }

    /** Every name and string in the tree follows {@link RequestText}: what the database is given later. */
    private static boolean isClean(JsonNode node) {
        if (node.isString()) {
            return RequestText.isClean(node.asString());
        }
        if (node.isArray()) {
            for (JsonNode element : node.values()) {
                if (!isClean(element)) {
                    return false;
                }
            }
        } else if (node.isObject()) {
            for (var field : node.properties()) {
                if (!RequestText.isClean(field.getKey()) || !isClean(field.getValue())) {
                    return false;
                }
            }
        }
        return true;
    }

    private byte[] readCapped(HttpServletRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                if (out.size() > maxBytes) {
                    throw tooLarge(maxBytes);
                }
            }
        } catch (IOException e) {
            throw new BadRequest("The request body could not be read.");
        }
        return out.toByteArray();
    }

    public static BadRequest tooLarge(int maxBytes) {
        return new BadRequest("The request body is larger than " + maxBytes + " bytes.");
    }

    private static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase();
        return type.equals("application/json") || type.endsWith("+json");
    }
}
