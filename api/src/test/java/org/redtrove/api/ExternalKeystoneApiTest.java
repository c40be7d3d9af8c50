package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.redtrove.embedded.EmbeddedDatabase;
import org.redtrove.embedded.SharedTestDatabase;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The api validating Trove tokens against an external Keystone. A second RedTrove api, on its own
 * port and database, plays that Keystone; its bootstrap operator "svc" is our service user.
 */
class ExternalKeystoneApiTest extends ApiTestSupport {

    private static ConfigurableApplicationContext keystone;
    private static String keystoneDatabase;
    private static int keystonePort;

    @DynamicPropertySource
    static void externalKeystone(DynamicPropertyRegistry registry) {
        keystoneDatabase = SharedTestDatabase.newDatabase("redtrove_api_keystone");
        EmbeddedDatabase postgres = SharedTestDatabase.get();
        // builder properties are defaults, below api.properties: set the keys its placeholders read
        keystone = ApiApplication.builder().properties(
                "redtrove.api.port=0",
                "redtrove.db.url=" + postgres.jdbcUrl(keystoneDatabase),
                "redtrove.db.user=" + EmbeddedDatabase.USER,
                "redtrove.db.password=" + postgres.password(),
                "redtrove.secrets.key-file=" + KEY_FILE,
                "redtrove.outbox.relay-enabled=false",
                "spring.rabbitmq.listener.simple.auto-startup=false",
                "redtrove.identity.bootstrap.user=svc",
                "redtrove.identity.bootstrap.password=svc-secret",
                "redtrove.identity.bootstrap.project=service").run();
        keystonePort = Integer.parseInt(keystone.getEnvironment().getProperty("local.server.port"));
        // what Keystone gives a service's own user: the service role on the service project, which
        // lets it validate other users' tokens (its bootstrap admin role lets the tests set up users)
        JdbcClient.create(keystone.getBean(javax.sql.DataSource.class)).sql("""
                insert into role_assignments (user_id, project_id, role_id)
                select u.id, p.id, 'service' from users u, projects p where u.name = 'svc' and p.name = 'service'""")
                .update();
        registry.add("redtrove.identity.keystone-url", () -> "http://127.0.0.1:" + keystonePort + "/identity/v3");
        registry.add("redtrove.identity.keystone-service.user", () -> "svc");
        registry.add("redtrove.identity.keystone-service.password", () -> "svc-secret");
        registry.add("redtrove.identity.keystone-service.project", () -> "service");
    }

    @AfterAll
    static void stopKeystone() {
        if (keystone != null) {
            keystone.close();
        }
        SharedTestDatabase.dropDatabase(keystoneDatabase);
    }

    private final HttpClient client = HttpClient.newHttpClient();

    /** A request to the Keystone stand-in. */
    private JsonNodeResponse atKeystone(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + keystonePort + path))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new JsonNodeResponse(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()),
                r.headers().firstValue("X-Subject-Token").orElse(null));
    }

    private record JsonNodeResponse(int status, JsonNode json, String subjectToken) {
    }

    private String keystoneToken(String user, String password, String project) throws Exception {
        JsonNodeResponse r = atKeystone("POST", "/identity/v3/auth/tokens", null, authBody(
                "{\"name\":\"" + user + "\",\"password\":\"PW\"}", password, "{\"name\":\"" + project + "\"}"));
        assertThat(r.status()).isEqualTo(201);
        return r.subjectToken();
    }

    @Test
    void tokensFromTheExternalKeystoneAuthorizeTroveRequestsForTheirProject() throws Exception {
        String svc = keystoneToken("svc", "svc-secret", "service");
        String projectId = atKeystone("POST", "/identity/v3/projects", svc, "{\"project\":{\"name\":\"kproj\"}}")
                .json().get("project").get("id").asString();
        String userId = atKeystone("POST", "/identity/v3/users", svc,
                "{\"user\":{\"name\":\"kate\",\"password\":\"kate-secret\"}}").json().get("user").get("id").asString();
        assertThat(atKeystone("PUT", "/identity/v3/projects/" + projectId + "/users/" + userId + "/roles/member",
                svc, null).status()).isEqualTo(204);

        String kate = keystoneToken("kate", "kate-secret", "kproj");
        Response list = get("/v1.0/" + projectId + "/instances", kate);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("instances")).isEmpty();

        Response created = post("/v1.0/" + projectId + "/instances", kate,
                "{\"instance\":{\"name\":\"k1\",\"flavorRef\":1,\"volume\":{\"size\":1}}}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(count("select count(*) from instances where project_id = ?", projectId)).isOne();

        // the token decides the project
        assertThat(get("/v1.0/" + alphaProject + "/instances", kate).status()).isEqualTo(403);
        // unknown to Keystone (its 404) is our 401; so is a token only the local store knows
        Response wrong = get("/v1.0/" + projectId + "/instances", "not-a-keystone-token");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("unauthorized").get("code").asInt()).isEqualTo(401);
        assertThat(get("/v1.0/" + alphaProject + "/instances", alice()).status()).isEqualTo(401);
    }

    @Test
    void rolesComeFromKeystoneSoItsAdminsSeeEveryProject() throws Exception {
        String svc = keystoneToken("svc", "svc-secret", "service");
        String serviceProject = atKeystone("GET", "/identity/v3/projects?name=service", svc, null)
                .json().get("projects").get(0).get("id").asString();
        // an instance of a project the Keystone stand-in has never heard of
        jdbc.sql("""
                insert into instances (id, project_id, name, flavor_id, datastore_version_id, task_status,
                                       server_status, password)
                values (gen_random_uuid(), :p, 'a2', 1, cast(:v as uuid), 'NONE', 'ACTIVE', 'pw')""")
                .param("p", alphaProject).param("v", VERSION_ID).update();
        JsonNode all = get("/v1.0/" + serviceProject + "/instances", svc).json().get("instances");
        assertThat(all).hasSize(1);
        assertThat(all.get(0).get("tenant_id").asString()).isEqualTo(alphaProject);
    }

    @Test
    void validatedTokensAreCachedAndARevokedServiceTokenIsReplaced() throws Exception {
        String svc = keystoneToken("svc", "svc-secret", "service");
        String serviceProject = atKeystone("GET", "/identity/v3/projects?name=service", svc, null)
                .json().get("projects").get(0).get("id").asString();
        JdbcClient keystoneDb = JdbcClient.create(keystone.getBean(javax.sql.DataSource.class));

        String first = keystoneToken("svc", "svc-secret", "service");
        assertThat(get("/v1.0/" + serviceProject + "/instances", first).status()).isEqualTo(200);

        // every token Keystone knows is gone, ours included: the cached answer still stands ...
        keystoneDb.sql("delete from tokens").update();
        assertThat(get("/v1.0/" + serviceProject + "/instances", first).status()).isEqualTo(200);

        // ... and a new token is validated with a new service token after Keystone's 401 to the old one
        String second = keystoneToken("svc", "svc-secret", "service");
        assertThat(get("/v1.0/" + serviceProject + "/instances", second).status()).isEqualTo(200);
    }

    @Test
    void theLocalIdentityEndpointsStillServeTheLocalStore() {
        String admin = token("admin", "admin-secret", "admin");
        Response projects = get("/identity/v3/projects?name=alpha", admin);
        assertThat(projects.status()).isEqualTo(200);
        assertThat(projects.json().get("projects").get(0).get("id").asString()).isEqualTo(alphaProject);
    }
}
