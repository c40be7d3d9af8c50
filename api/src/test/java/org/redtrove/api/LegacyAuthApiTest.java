package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The logins of {@code trove --bypass-url} (contract C.4) and the requests that follow them. */
class LegacyAuthApiTest extends ApiTestSupport {

    private Response v1(String path, String user, String key, String project) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Auth-User", user).header("X-Auth-Key", key).GET();
        if (project != null) {
            b.header("X-Auth-Project-Id", project);
        }
        return exchange(b.build());
    }

    @Test
    void v1LoginAnswersTokenAndManagementUrlAtIdentityAndAtTroveRoot() {
        for (String path : new String[] {"/identity/v1.0", "/v1.0"}) {
            Response r = v1(path, "alice", "alice-secret", "alpha");
            assertThat(r.status()).as(path).isEqualTo(204);
            assertThat(r.header("X-Server-Management-Url"))
                    .isEqualTo("http://127.0.0.1:" + port + "/v1.0/" + alphaProject);
            String token = r.header("X-Auth-Token");
            assertThat(token).isNotBlank();

            // what the client then sends: the token plus the project NAME, which must not get in the way
            HttpRequest list = HttpRequest.newBuilder(URI.create(r.header("X-Server-Management-Url") + "/instances"))
                    .header("X-Auth-Token", token).header("X-Auth-Project-Id", "alpha")
                    .header("User-Agent", "python-troveclient").GET().build();
            Response instances = exchange(list);
            assertThat(instances.status()).isEqualTo(200);
            assertThat(instances.json().get("instances")).isEmpty();
        }
    }

    @Test
    void troveRootWithoutLoginHeadersIsStillTheVersionList() {
        Response r = get("/v1.0", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("versions").get(0).get("id").asString()).isEqualTo("v1.0");
    }

    @Test
    void v1LoginWithoutProjectUsesTheDefaultProjectAndFailsWithoutOne() {
        jdbc.sql("update users set default_project_id = :p where id = 'u-alice'").param("p", alphaProject).update();
        Response withDefault = v1("/identity/v1.0", "alice", "alice-secret", null);
        assertThat(withDefault.status()).isEqualTo(204);
        assertThat(withDefault.header("X-Server-Management-Url")).endsWith("/v1.0/" + alphaProject);

        jdbc.sql("update users set default_project_id = null where id = 'u-alice'").update();
        assertThat(v1("/identity/v1.0", "alice", "alice-secret", null).status()).isEqualTo(401);
    }

    @Test
    void v1BadCredentialsAre401WithoutAToken() {
        for (String[] bad : new String[][] {
            {"alice", "wrong", "alpha"}, {"nobody", "x", "alpha"}, {"alice", "alice-secret", "beta"},
            {"alice", "alice-secret", "no-such-project"},
        }) {
            for (String path : new String[] {"/identity/v1.0", "/v1.0"}) {
                Response r = v1(path, bad[0], bad[1], bad[2]);
                assertThat(r.status()).as(path + " " + String.join(",", bad)).isEqualTo(401);
                assertThat(r.header("X-Auth-Token")).isNull();
                assertThat(r.header("Content-Type")).startsWith("application/json");
            }
        }
        assertThat(get("/identity/v1.0", null).status()).isEqualTo(401);
    }

    @Test
    void v2TokensByTenantNameOrTenantId() {
        for (String path : new String[] {"/identity/v2.0/tokens", "/v2.0/tokens"}) {
            for (String tenant : new String[] {"\"tenantName\":\"alpha\"", "\"tenantId\":\"" + alphaProject + "\""}) {
                Response r = post(path, null, "{\"auth\":{\"passwordCredentials\":{\"username\":\"alice\","
                        + "\"password\":\"alice-secret\"}," + tenant + "}}");
                assertThat(r.status()).as(path + " " + tenant).isEqualTo(200);
                JsonNode access = r.json().get("access");
                String token = access.get("token").get("id").asString();
                assertThat(access.get("token").get("expires").asString()).endsWith("Z");
                assertThat(access.get("token").get("tenant").get("id").asString()).isEqualTo(alphaProject);
                assertThat(access.get("token").get("tenant").get("name").asString()).isEqualTo("alpha");
                assertThat(access.get("user").get("name").asString()).isEqualTo("alice");
                JsonNode database = access.get("serviceCatalog").get(0);
                assertThat(database.get("type").asString()).isEqualTo("database");
                assertThat(database.get("name").asString()).isEqualTo("trove");
                JsonNode endpoint = database.get("endpoints").get(0);
                assertThat(endpoint.get("publicURL").asString())
                        .isEqualTo("http://127.0.0.1:" + port + "/v1.0/" + alphaProject);
                assertThat(endpoint.get("region").asString()).isEqualTo("RegionOne");
                assertThat(get("/v1.0/" + alphaProject + "/instances", token).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void v2BadCredentialsAre401AndMalformedBodies400() {
        Response bad = post("/identity/v2.0/tokens", null,
                "{\"auth\":{\"passwordCredentials\":{\"username\":\"alice\",\"password\":\"no\"},\"tenantName\":\"alpha\"}}");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.json().get("error").get("code").asInt()).isEqualTo(401);
        Response malformed = post("/identity/v2.0/tokens", null, "{\"auth\":{}}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error").get("code").asInt()).isEqualTo(400);
    }
}
