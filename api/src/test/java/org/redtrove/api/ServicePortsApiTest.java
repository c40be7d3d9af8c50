package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * The identity service on its own port: each port's root is its own service's version list, Trove
 * routes are unknown on the identity port, identity routes answer on both, and the catalog sends
 * each service's clients to its own port, on the host they used.
 */
class ServicePortsApiTest extends ApiTestSupport {

    @Value("${local.identity.port}")
    int identityPort;

    private Response at(int targetPort, String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + targetPort + path))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        return exchange(b.build());
    }

    private static String aliceLogin() {
        return authBody("{\"name\":\"alice\",\"password\":\"PW\"}", "alice-secret", "{\"name\":\"alpha\"}");
    }

    private static String endpoint(JsonNode token, String type) {
        for (JsonNode service : token.get("catalog")) {
            if (service.get("type").asString().equals(type)) {
                return service.get("endpoints").get(0).get("url").asString();
            }
        }
        throw new AssertionError("no " + type + " endpoint in " + token);
    }

    @Test
    void eachPortsRootIsItsOwnServicesVersionList() {
        assertThat(identityPort).isPositive().isNotEqualTo(port);

        Response trove = at(port, "GET", "/", null, null);
        assertThat(trove.status()).isEqualTo(200);
        JsonNode version = trove.json().get("versions").get(0);
        assertThat(version.get("id").asString()).isEqualTo("v1.0");
        assertThat(version.get("status").asString()).isEqualTo("CURRENT");
        assertThat(version.get("links").get(0).get("href").asString()).isEqualTo("http://127.0.0.1:" + port + "/v1.0/");

        Response keystone = at(identityPort, "GET", "/", null, null);
        assertThat(keystone.status()).isEqualTo(300);
        JsonNode v3 = keystone.json().get("versions").get("values").get(0);
        assertThat(v3.get("id").asString()).isEqualTo("v3.14");
        assertThat(v3.get("links").get(0).get("href").asString())
                .isEqualTo("http://127.0.0.1:" + identityPort + "/identity/v3/");
    }

    @Test
    void troveRoutesOnTheIdentityPortAreUnknownPaths() {
        String alice = alice();
        for (String path : new String[] {"/v1.0/" + alphaProject + "/instances", "/v1.0/" + alphaProject + "/flavors",
            "/v1.0", "/actuator/health"}) {
            Response r = at(identityPort, "GET", path, alice, null);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.header("Content-Type")).startsWith("application/json");
        }
        Response create = at(identityPort, "POST", "/v1.0/" + alphaProject + "/instances", alice,
                "{\"instance\":{\"name\":\"x\",\"flavorRef\":1}}");
        assertThat(create.status()).isEqualTo(404);
        assertThat(count("select count(*) from instances")).isZero();
        assertThat(at(port, "GET", "/v1.0/" + alphaProject + "/instances", alice, null).status()).isEqualTo(200);
    }

    @Test
    void identityRoutesAnswerOnBothPortsAndTheCatalogNamesEachServicesPort() {
        for (int p : new int[] {identityPort, port}) {
            Response r = at(p, "POST", "/identity/v3/auth/tokens", null, aliceLogin());
            assertThat(r.status()).as("login on port " + p).isEqualTo(201);
            JsonNode token = r.json().get("token");
            assertThat(endpoint(token, "database")).isEqualTo("http://127.0.0.1:" + port + "/v1.0/" + alphaProject);
            assertThat(endpoint(token, "identity")).isEqualTo("http://127.0.0.1:" + identityPort + "/identity/v3");
            assertThat(at(p, "GET", "/v3", null, null).status()).isEqualTo(200);
        }
        HttpRequest legacy = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + identityPort + "/v1.0"))
                .header("X-Auth-User", "alice").header("X-Auth-Key", "alice-secret").header("X-Auth-Project-Id", "alpha")
                .GET().build();
        Response v1 = exchange(legacy);
        assertThat(v1.status()).isEqualTo(204);
        assertThat(v1.header("X-Server-Management-Url")).isEqualTo("http://127.0.0.1:" + port + "/v1.0/" + alphaProject);
    }

    @Test
    void theCatalogKeepsTheHostTheClientUsedAndSwapsOnlyThePort() throws Exception {
        byte[] body = aliceLogin().getBytes(StandardCharsets.UTF_8);
        String request = "POST /identity/v3/auth/tokens HTTP/1.1\r\nHost: cloud.example:" + identityPort
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"
                + new String(body, StandardCharsets.UTF_8);
        RawHttp.Reply reply = RawHttp.exchange(identityPort, request.getBytes(StandardCharsets.UTF_8), false,
                Duration.ofSeconds(20));
        assertThat(reply.status()).isEqualTo(201);
        JsonNode token = JSON.readTree(reply.body()).get("token");
        assertThat(endpoint(token, "database")).isEqualTo("http://cloud.example:" + port + "/v1.0/" + alphaProject);
        assertThat(endpoint(token, "identity")).isEqualTo("http://cloud.example:" + identityPort + "/identity/v3");
    }
}
