package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** With public URLs configured (a load balancer in front), catalogs and links name them, not the Host. */
@TestPropertySource(properties = {"redtrove.api.public-url=https://trove.example.com:8779/",
        "redtrove.identity.public-url=https://keystone.example.com"})
class PublicUrlsApiTest extends ApiTestSupport {

    @Test
    void catalogsManagementUrlAndLinksUseThePublicUrls() {
        Response login = post("/identity/v3/auth/tokens", null, authBody("{\"name\":\"alice\",\"password\":\"PW\"}",
                "alice-secret", "{\"name\":\"alpha\"}"));
        JsonNode catalog = login.json().get("token").get("catalog");
        assertThat(catalog.get(0).get("endpoints").get(0).get("url").asString())
                .isEqualTo("https://trove.example.com:8779/v1.0/" + alphaProject);
        assertThat(catalog.get(1).get("endpoints").get(0).get("url").asString())
                .isEqualTo("https://keystone.example.com/identity/v3");
        assertThat(get("/identity/v3", null).json().get("version").get("links").get(0).get("href").asString())
                .isEqualTo("https://keystone.example.com/identity/v3/");

        HttpRequest v1 = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/identity/v1.0"))
                .header("X-Auth-User", "alice").header("X-Auth-Key", "alice-secret").header("X-Auth-Project-Id", "alpha")
                .GET().build();
        assertThat(exchange(v1).header("X-Server-Management-Url"))
                .isEqualTo("https://trove.example.com:8779/v1.0/" + alphaProject);

        String alice = login.header("X-Subject-Token");
        Response created = post("/v1.0/" + alphaProject + "/instances", alice,
                "{\"instance\":{\"name\":\"linked\",\"flavorRef\":1}}");
        assertThat(created.json().get("instance").get("links").get(0).get("href").asString())
                .startsWith("https://trove.example.com:8779/v1.0/" + alphaProject + "/instances/");
    }
}
