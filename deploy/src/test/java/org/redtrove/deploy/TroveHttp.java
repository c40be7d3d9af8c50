package org.redtrove.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.redtrove.common.Wire;
import tools.jackson.databind.JsonNode;

/** A tiny client of RedTrove's HTTP API, speaking to it as the stock clients do. */
public final class TroveHttp {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private String token;
    private String projectId;

    public TroveHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public record Reply(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            return Wire.mapper().readTree(body);
        }
    }

    /** Password authentication with project scope by name, as the trove client sends it. */
    public TroveHttp login(String user, String password, String project) throws IOException, InterruptedException {
        String body = """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","password":"%s",
                "domain":{"id":"default"}}}},"scope":{"project":{"name":"%s","domain":{"id":"default"}}}}}"""
                .formatted(user, password, project);
        Reply reply = send("POST", "/identity/v3/auth/tokens", body, null);
        if (reply.status() != 201) {
            throw new IllegalStateException("login failed: " + reply.status() + " " + reply.body());
        }
        token = reply.raw().headers().firstValue("X-Subject-Token").orElseThrow();
        projectId = reply.json().get("token").get("project").get("id").asString();
        return this;
    }

    public String token() {
        return token;
    }

    public String projectId() {
        return projectId;
    }

    /** A request under this project's Trove endpoint, {@code /v1.0/<project>}. */
    public Reply trove(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, "/v1.0/" + projectId + path, body, token);
    }

    public Reply send(String method, String path, String body, String authToken)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authToken != null) {
            request.header("X-Auth-Token", authToken);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response);
    }

    /** Polls the instance until its status is one of {@code wanted}; fails on ERROR or timeout. */
    public JsonNode awaitStatus(String id, Duration timeout, String... wanted) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Reply reply = trove("GET", "/instances/" + id, null);
            if (reply.status() == 200) {
                last = reply.json().get("instance");
                String status = last.get("status").asString();
                for (String w : wanted) {
                    if (w.equals(status)) {
                        return last;
                    }
                }
                if ("ERROR".equals(status) && !java.util.Arrays.asList(wanted).contains("ERROR")) {
                    throw new AssertionError("instance " + id + " went to ERROR: " + last);
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("instance " + id + " did not reach " + String.join("/", wanted) + ": " + last);
    }

    /** POST /instances, which must be accepted; answers the new instance's id. */
    public String createInstance(String body) throws IOException, InterruptedException {
        Reply reply = trove("POST", "/instances", body);
        org.assertj.core.api.Assertions.assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("instance").get("id").asString();
    }

    /** GET /instances/{id}, which must exist; answers its view. */
    public JsonNode instance(String id) throws IOException, InterruptedException {
        Reply reply = trove("GET", "/instances/" + id, null);
        org.assertj.core.api.Assertions.assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("instance");
    }
}
