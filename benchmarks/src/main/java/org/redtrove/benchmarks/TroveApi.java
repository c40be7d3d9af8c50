package org.redtrove.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** RedTrove's Trove API as a tenant uses it: a token, then requests under /v1.0/<project>. */
final class TroveApi {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private String token;
    private String project;

    TroveApi(String base) {
        this.base = base;
    }

    record Reply(int status, JsonNode body) {
    }

    void login(String user, String password, String projectName) throws Exception {
        String body = "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"" + user
                + "\",\"password\":\"" + password + "\"}}},\"scope\":{\"project\":{\"name\":\"" + projectName + "\"}}}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/identity/v3/auth/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("login failed: " + r.statusCode() + " " + r.body());
        }
        token = r.headers().firstValue("X-Subject-Token").orElseThrow();
        project = JSON.readTree(r.body()).get("token").get("project").get("id").asString();
    }

    Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1.0/" + project + path))
                .timeout(Duration.ofSeconds(30)).header("X-Auth-Token", token).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()));
    }

    JsonNode show(String id) throws Exception {
        return call("GET", "/instances/" + id, null).body().get("instance");
    }

    JsonNode create(String json) throws Exception {
        Reply r = call("POST", "/instances", json);
        if (r.status() != 200) {
            throw new IllegalStateException("create failed: " + r.status() + " " + r.body());
        }
        return r.body().get("instance");
    }

    String password(String id) throws Exception {
        return call("GET", "/instances/" + id + "/password", null).body().get("password").asString();
    }

    List<String> replicas(String id) throws Exception {
        List<String> ids = new ArrayList<>();
        JsonNode replicas = show(id).get("replicas");
        if (replicas != null) {
            replicas.forEach(r -> ids.add(r.get("id").asString()));
        }
        return ids;
    }

    /** Polls every 20 ms until every instance is ACTIVE with no task running. */
    void awaitActive(Duration timeout, String... ids) throws Exception {
        awaitActive(timeout, Duration.ofMillis(20), ids);
    }

    /**
     * Polls until every instance is ACTIVE. For long operations poll slowly: each poll is an
     * authenticated request served by the same machine that does the work being measured.
     */
    void awaitActive(Duration timeout, Duration every, String... ids) throws Exception {
        awaitActive(timeout, every, () -> { }, ids);
    }

    /** A check between polls, such as a progress line. */
    interface Meanwhile {
        void run() throws Exception;
    }

    void awaitActive(Duration timeout, Duration every, Meanwhile meanwhile, String... ids) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            meanwhile.run();
            boolean all = true;
            for (String id : ids) {
                String status = show(id).get("status").asString();
                if ("ERROR".equals(status)) {
                    throw new IllegalStateException(id + " went to ERROR: " + show(id));
                }
                all &= "ACTIVE".equals(status);
            }
            if (all) {
                return;
            }
            Thread.sleep(every.toMillis());
        }
        throw new IllegalStateException("not ACTIVE in time: " + String.join(",", ids));
    }
}
