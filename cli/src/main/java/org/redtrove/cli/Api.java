package org.redtrove.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The database service's REST API as the catalog names it ({@code .../v1.0/<project_id>}), called
 * with the login's token. A fault body's message becomes a {@link ClientError}, word for word.
 */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String endpoint;
    private final String token;

    Api(HttpClient http, String endpoint, String token) {
        this.http = http;
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.token = token;
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return call("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return call("PUT", path, body);
    }

    JsonNode patch(String path, Object body) {
        return call("PATCH", path, body);
    }

    void delete(String path) {
        call("DELETE", path, null);
    }

    private JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(TIMEOUT)
                .header("X-Auth-Token", token).header("Accept", "application/json")
                .header("User-Agent", "redtrove-cli");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = send(http, request.build(), endpoint);
        if (response.statusCode() >= 400) {
            throw new ClientError(faultMessage(response));
        }
        String text = response.body();
        return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    }

    static HttpResponse<String> send(HttpClient http, HttpRequest request, String where) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ClientError("Cannot reach " + where + ": connection refused");
        } catch (HttpTimeoutException e) {
            throw new ClientError("No answer from " + where + " within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new ClientError("Cannot reach " + where + ": " + (e.getMessage() != null ? e.getMessage() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientError("Interrupted");
        }
    }

    /**
     * Trove's fault body is {@code {"<name>": {"message": ..., "code": N}}}, Keystone's
     * {@code {"error": {"message": ...}}}: the message either way, else the status.
     */
    static String faultMessage(HttpResponse<String> response) {
        try {
            JsonNode body = JSON.readTree(response.body());
            for (var property : body.properties()) {
                JsonNode message = property.getValue().get("message");
                if (message != null && message.isString()) {
                    return message.asString() + " (HTTP " + response.statusCode() + ")";
                }
            }
        } catch (RuntimeException e) {
            // not JSON: the status line says what there is
        }
        return "The server answered HTTP " + response.statusCode();
    }
}
