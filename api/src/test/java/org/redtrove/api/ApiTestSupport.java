package org.redtrove.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.redtrove.api.identity.IdentityAdmin;
import org.redtrove.embedded.EmbeddedDatabase;
import org.redtrove.embedded.SharedTestDatabase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the api on a random port against a fresh database of its own, created for each test class
 * in the embedded PostgreSQL these tests share (nothing needs to run on the machine) and dropped
 * after it. Seeds a redis version 7.0 as the default, an admin, and two member users in projects
 * "alpha" and "beta".
 */
@SpringBootTest(classes = ApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api", "redtrove.outbox.relay-enabled=false",
                "spring.rabbitmq.listener.simple.auto-startup=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class ApiTestSupport {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final String VERSION_ID = "0b7c1f7e-1111-4a2b-9c3d-000000000070";

    private static String database;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        database = SharedTestDatabase.newDatabase("redtrove_api_test");
        EmbeddedDatabase postgres = SharedTestDatabase.get();
        String url = postgres.jdbcUrl(database);
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> EmbeddedDatabase.USER);
        registry.add("spring.datasource.password", postgres::password);
        registry.add("redtrove.secrets.key-file", () -> KEY_FILE.toString());
    }

    /** One installation key for every api these tests start (the Keystone stand-in's too). */
    protected static final Path KEY_FILE = keyFile();

    private static Path keyFile() {
        try {
            return Files.createTempDirectory("redtrove-test-key").resolve("secret.key");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void dropDatabase() {
        SharedTestDatabase.dropDatabase(database);
    }

    @Value("${local.server.port}")
    protected int port;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected IdentityAdmin identityAdmin;

    protected final HttpClient http = HttpClient.newHttpClient();
    protected String adminProject;
    protected String alphaProject;
    protected String betaProject;

    private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(4);

    @BeforeEach
    void seed() {
        // every test starts without instances; identity rows are kept (their inserts are idempotent)
        jdbc.sql("delete from outbox").update();
        jdbc.sql("delete from jobs").update();
        jdbc.sql("delete from heartbeats").update();
        jdbc.sql("delete from replication_tasks").update();
        jdbc.sql("update instances set replica_set_id = null, restored_from = null").update();
        jdbc.sql("delete from backups").update();
        jdbc.sql("delete from replica_sets").update();
        jdbc.sql("delete from instances").update();
        jdbc.sql("delete from hosts").update();
        jdbc.sql("""
                insert into datastore_versions (id, datastore_id, name, version_number)
                select cast(:id as uuid), id, '7.0', '7.0.15' from datastores where name = 'redis'
                on conflict do nothing""").param("id", VERSION_ID).update();
        jdbc.sql("update datastores set default_version_id = cast(:id as uuid) where name = 'redis'")
                .param("id", VERSION_ID).update();
        adminProject = identityAdmin.ensureAdmin("admin", "admin-secret", "admin");
        alphaProject = member("alice", "alice-secret", "alpha");
        betaProject = member("bob", "bob-secret", "beta");
    }

    /** A user with the member role on a project of the default domain; answers the project id. */
    protected String member(String user, String password, String project) {
        String projectId = "p-" + project;
        jdbc.sql("insert into projects (id, name, domain_id) values (:id, :name, 'default') on conflict do nothing")
                .param("id", projectId).param("name", project).update();
        jdbc.sql("""
                insert into users (id, name, domain_id, password_hash) values (:id, :name, 'default', :hash)
                on conflict do nothing""")
                .param("id", "u-" + user).param("name", user).param("hash", BCRYPT.encode(password)).update();
        jdbc.sql("insert into role_assignments values (:u, :p, 'member') on conflict do nothing")
                .param("u", "u-" + user).param("p", projectId).update();
        return projectId;
    }

    protected record Response(int status, HttpResponse<String> raw, JsonNode json) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    protected Response send(String method, String path, String token, String body) {
        return send(method, path, token, body, "application/json");
    }

    protected Response send(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        return exchange(b.build());
    }

    protected Response exchange(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
            return new Response(r.statusCode(), r, json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    protected Response post(String path, String token, String body) {
        return send("POST", path, token, body);
    }

    protected static String authBody(String user, String password, String scope) {
        return """
                {"auth":{"identity":{"methods":["password"],"password":{"user":%s}},"scope":{"project":%s}}}"""
                .formatted(user.replace("PW", password), scope);
    }

    /** A token for a user by name in the default domain, scoped to a project by name. */
    protected String token(String user, String password, String project) {
        Response r = post("/identity/v3/auth/tokens", null, authBody(
                "{\"name\":\"" + user + "\",\"password\":\"PW\"}", password, "{\"name\":\"" + project + "\"}"));
        if (r.status() != 201) {
            throw new IllegalStateException("token: " + r.status() + " " + r.raw().body());
        }
        return r.header("X-Subject-Token");
    }

    protected String alice() {
        return token("alice", "alice-secret", "alpha");
    }

    protected String bob() {
        return token("bob", "bob-secret", "beta");
    }

    /** What the taskmanager does when a job succeeds: the instance is built and idle. */
    protected void activate(String instanceId) {
        jdbc.sql("""
                update instances set task_status = 'NONE', server_status = 'ACTIVE', service_status = 'HEALTHY'
                where id = cast(:id as uuid)""").param("id", instanceId).update();
    }

    protected Map<String, Object> instanceRow(String id) {
        return jdbc.sql("select * from instances where id = cast(:id as uuid)").param("id", id).query().singleRow();
    }

    protected long count(String sql, Object... params) {
        var spec = jdbc.sql(sql);
        for (Object p : params) {
            spec = spec.param(p);
        }
        return spec.query(Long.class).single();
    }

    /** A user with the given role on a project of the default domain, both created if missing; answers the project id. */
    protected String userWithRole(String user, String password, String project, String role) {
        String projectId = "p-" + project;
        jdbc.sql("insert into projects (id, name, domain_id) values (:id, :name, 'default') on conflict do nothing")
                .param("id", projectId).param("name", project).update();
        jdbc.sql("""
                insert into users (id, name, domain_id, password_hash) values (:id, :name, 'default', :hash)
                on conflict do nothing""")
                .param("id", "u-" + user).param("name", user).param("hash", BCRYPT.encode(password)).update();
        jdbc.sql("insert into role_assignments values (:u, :p, :r) on conflict do nothing")
                .param("u", "u-" + user).param("p", projectId).param("r", role).update();
        return projectId;
    }
}
