package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class IdentityApiTest extends ApiTestSupport {

    private static final String ALICE = "{\"name\":\"alice\",\"password\":\"PW\"}";

    @Test
    void passwordTokenHasSubjectHeaderAndDatabaseEndpointForTheProject() {
        Response r = post("/identity/v3/auth/tokens", null, authBody(ALICE, "alice-secret", "{\"name\":\"alpha\"}"));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("X-Subject-Token")).hasSizeGreaterThanOrEqualTo(43);
        JsonNode token = r.json().get("token");
        assertThat(token.get("expires_at").asString()).endsWith("Z");
        assertThat(token.get("project").get("id").asString()).isEqualTo(alphaProject);
        assertThat(token.get("user").get("domain").get("id").asString()).isEqualTo("default");
        assertThat(token.get("roles").get(0).get("name").asString()).isEqualTo("member");
        JsonNode database = token.get("catalog").get(0);
        assertThat(database.get("type").asString()).isEqualTo("database");
        JsonNode endpoint = database.get("endpoints").get(0);
        assertThat(endpoint.get("interface").asString()).isEqualTo("public");
        assertThat(endpoint.get("region_id").asString()).isEqualTo("RegionOne");
        assertThat(endpoint.get("url").asString()).isEqualTo("http://127.0.0.1:" + port + "/v1.0/" + alphaProject);
        // only the hash is stored
        assertThat(count("select count(*) from tokens where token_hash = ?", r.header("X-Subject-Token"))).isZero();
    }

    @Test
    void aTokenBuysATokenForItsUserNeverOutlivingItAndOnlyWhereTheUserHasARole() {
        Response first = post("/identity/v3/auth/tokens", null, authBody(ALICE, "alice-secret", "{\"name\":\"alpha\"}"));
        assertThat(first.status()).isEqualTo(201);
        String token = first.header("X-Subject-Token");
        String byToken = "{\"auth\":{\"identity\":{\"methods\":[\"token\"],\"token\":{\"id\":\"%s\"}},"
                + "\"scope\":{\"project\":{\"name\":\"%s\",\"domain\":{\"name\":\"Default\"}}}}}";
        Response scoped = post("/identity/v3/auth/tokens", null, byToken.formatted(token, "alpha"));
        assertThat(scoped.status()).isEqualTo(201);
        assertThat(scoped.header("X-Subject-Token")).isNotEqualTo(token);
        assertThat(scoped.json().get("token").get("user").get("name").asString()).isEqualTo("alice");
        assertThat(scoped.json().get("token").get("project").get("id").asString()).isEqualTo(alphaProject);
        assertThat(scoped.json().get("token").get("expires_at").asString())
                .isLessThanOrEqualTo(first.json().get("token").get("expires_at").asString());
        assertThat(post("/identity/v3/auth/tokens", null, byToken.formatted(token, "beta")).status())
                .as("alice has no role on beta").isEqualTo(401);
        assertThat(post("/identity/v3/auth/tokens", null, byToken.formatted("not-a-token", "alpha")).status())
                .isEqualTo(401);
    }

    @Test
    void domainsMayBeMissingGivenByIdOrByNameAndProjectByIdOrName() {
        String byDomainId = authBody("{\"name\":\"alice\",\"password\":\"PW\",\"domain\":{\"id\":\"default\"}}",
                "alice-secret", "{\"name\":\"alpha\",\"domain\":{\"id\":\"default\"}}");
        String byDomainName = authBody("{\"name\":\"alice\",\"password\":\"PW\",\"domain\":{\"name\":\"Default\"}}",
                "alice-secret", "{\"name\":\"alpha\",\"domain\":{\"name\":\"Default\"}}");
        String byProjectId = authBody(ALICE, "alice-secret", "{\"id\":\"" + alphaProject + "\"}");
        String byUserId = authBody("{\"id\":\"u-alice\",\"password\":\"PW\"}", "alice-secret",
                "{\"id\":\"" + alphaProject + "\"}");

        for (String body : new String[] {byDomainId, byDomainName, byProjectId, byUserId}) {
            Response r = post("/identity/v3/auth/tokens", null, body);
            assertThat(r.status()).as(body).isEqualTo(201);
            assertThat(r.json().get("token").get("project").get("id").asString()).isEqualTo(alphaProject);
        }
    }

    @Test
    void badCredentialsUnknownProjectsAndMissingRolesAreTheSameKeystone401() {
        String[] bodies = {
            authBody(ALICE, "wrong", "{\"name\":\"alpha\"}"),
            authBody("{\"name\":\"nobody\",\"password\":\"PW\"}", "x", "{\"name\":\"alpha\"}"),
            authBody(ALICE, "alice-secret", "{\"name\":\"no-such-project\"}"),
            authBody(ALICE, "alice-secret", "{\"name\":\"beta\"}"), // alice has no role on beta
            authBody(ALICE, "alice-secret", "{\"name\":\"alpha\",\"domain\":{\"name\":\"Nope\"}}"),
        };
        for (String body : bodies) {
            Response r = post("/identity/v3/auth/tokens", null, body);
            assertThat(r.status()).as(body).isEqualTo(401);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.json().get("error").get("code").asInt()).isEqualTo(401);
            assertThat(r.json().get("error").get("title").asString()).isEqualTo("Unauthorized");
            assertThat(r.json().get("error").get("message").asString())
                    .isEqualTo("The request you have made requires authentication.");
            assertThat(r.header("X-Subject-Token")).isNull();
        }
    }

    @Test
    void malformedTokenRequestsAreKeystone400() {
        for (String body : new String[] {"{not json", "[]", "{\"auth\":{}}",
                "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"alice\"}}}}}"}) {
            Response r = post("/identity/v3/auth/tokens", null, body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("error").get("title").asString()).isEqualTo("Bad Request");
        }
    }

    @Test
    void versionDiscoveryAtV3AndAtIdentity() {
        Response v3 = get("/identity/v3", null);
        assertThat(v3.status()).isEqualTo(200);
        assertThat(v3.json().get("version").get("status").asString()).isEqualTo("stable");
        assertThat(v3.json().get("version").get("links").get(0).get("href").asString())
                .isEqualTo("http://127.0.0.1:" + port + "/identity/v3/");

        Response root = get("/identity", null);
        assertThat(root.status()).isEqualTo(300);
        assertThat(root.json().get("versions").get("values").get(0).get("id").asString()).isEqualTo("v3.14");
        Response trove = get("/v1.0", null);
        assertThat(trove.status()).isEqualTo(200);
        assertThat(trove.json().get("versions").get(0).get("id").asString()).isEqualTo("v1.0");
    }

    @Test
    void tokenValidationForAnExternalKeystoneUser() {
        String admin = token("admin", "admin-secret", "admin");
        String subject = alice();
        HttpRequest valid = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/identity/v3/auth/tokens"))
                .header("X-Auth-Token", admin).header("X-Subject-Token", subject).GET().build();
        Response r = exchange(valid);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("token").get("project").get("id").asString()).isEqualTo(alphaProject);

        HttpRequest unknown = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/identity/v3/auth/tokens"))
                .header("X-Auth-Token", admin).header("X-Subject-Token", "nope").GET().build();
        assertThat(exchange(unknown).status()).isEqualTo(404);

        HttpRequest noAuth = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/identity/v3/auth/tokens"))
                .header("X-Subject-Token", subject).GET().build();
        assertThat(exchange(noAuth).status()).isEqualTo(401);
    }

    @Test
    void aUserRevokesItsOwnTokenAndNobodyElsesAnAdminAnyToken() {
        String alice = alice();
        String bob = bob();
        assertThat(exchange(revocation(alice, bob)).status()).as("alice may not end bob's token").isEqualTo(403);
        assertThat(get("/v1.0/" + betaProject + "/instances", bob).status()).isEqualTo(200);

        assertThat(exchange(revocation(alice, alice)).status()).isEqualTo(204);
        assertThat(get("/v1.0/" + alphaProject + "/instances", alice).status()).as("a logged-out token").isEqualTo(401);
        assertThat(exchange(revocation(alice, alice)).status()).isEqualTo(401);

        assertThat(exchange(revocation(token("admin", "admin-secret", "admin"), bob)).status()).isEqualTo(204);
        assertThat(get("/v1.0/" + betaProject + "/instances", bob).status()).isEqualTo(401);
        assertThat(exchange(revocation(alice(), "not-a-token")).status()).isEqualTo(403);
    }

    private HttpRequest revocation(String authToken, String subject) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/identity/v3/auth/tokens"))
                .header("X-Auth-Token", authToken).header("X-Subject-Token", subject).DELETE().build();
    }

    @Test
    void troveRoutesNeedALiveTokenScopedToTheProjectInThePath() {
        Response none = get("/v1.0/" + alphaProject + "/instances", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("unauthorized").get("code").asInt()).isEqualTo(401);

        Response bogus = get("/v1.0/" + alphaProject + "/instances", "not-a-token");
        assertThat(bogus.status()).isEqualTo(401);

        String expired = alice();
        jdbc.sql("update tokens set expires_at = now() - interval '1 minute'").update();
        Response old = get("/v1.0/" + alphaProject + "/instances", expired);
        assertThat(old.status()).isEqualTo(401);
        assertThat(old.json().get("unauthorized").get("message").asString()).isNotBlank();

        String alice = alice();
        Response wrongProject = post("/v1.0/" + betaProject + "/instances", alice,
                "{\"instance\":{\"name\":\"x\",\"flavorRef\":1}}");
        assertThat(wrongProject.status()).isEqualTo(403);
        assertThat(wrongProject.json().get("forbidden").get("message").asString())
                .isEqualTo("Token is not scoped to project " + betaProject + ".");
        assertThat(count("select count(*) from instances")).isZero();
        assertThat(count("select count(*) from jobs")).isZero();

        assertThat(get("/v1.0/" + alphaProject + "/instances", alice).status()).isEqualTo(200);
    }

    @Test
    void identityAdminIsIdempotent() {
        String again = identityAdmin.ensureAdmin("admin", "admin-secret", "admin");
        assertThat(again).isEqualTo(adminProject);
        assertThat(count("select count(*) from users where name = 'admin'")).isEqualTo(1);
        assertThat(token("admin", "admin-secret", "admin")).isNotBlank();
    }
}
