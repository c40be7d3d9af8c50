package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redtrove.api.replications.ReplicationMode;
import org.redtrove.api.replications.ReplicationSettings;
import org.redtrove.api.replications.ReplicationTaskService;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.Wire;
import org.redtrove.common.secrets.SecretBox;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The replication task routes (ReductStore's model): settings in and out with the password sealed
 * and masked, ReductStore's refusals with its texts, project isolation, roles, and the agent's
 * runtime report shown as info and diagnostics.
 */
class ReplicationsApiTest extends ApiTestSupport {

    private static final String PASSWORD = "hunter2-dst-secret";

    @Autowired
    private ReplicationTaskService service;

    private String alice;
    private String base;

    @BeforeEach
    void login() {
        alice = alice();
        base = "/v1.0/" + alphaProject + "/replications";
    }

    private String instance(String token, String project, String name) {
        Response created = post("/v1.0/" + project + "/instances", token,
                "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":1}}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asString();
        activate(id);
        return id;
    }

    private Response put(String path, String token, String body) {
        return send("PUT", path, token, body);
    }

    private Response patch(String path, String token, String body) {
        return send("PATCH", path, token, body);
    }

    private Response delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    private static void assertFault(Response r, int status, String name, String message) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get(name).get("code").asInt()).isEqualTo(status);
        if (message != null) {
            assertThat(r.json().get(name).get("message").asString()).isEqualTo(message);
        }
    }

    private Map<String, Object> taskRow(String name) {
        return jdbc.sql("select * from replication_tasks where name = ?").param(name).query().singleRow();
    }

    private static List<String> names(JsonNode node) {
        return new ArrayList<>(node.propertyNames());
    }

    @Test
    void aTaskToAnExternalHostIsCreatedShownListedReplacedPausedAndDeleted() {
        String src = instance(alice, alphaProject, "orders");
        Response created = post(base + "/to-dr", alice, """
                {"src_instance":"orders","dst_host":"redis://10.0.0.9:6380/2","dst_password":"%s",
                 "entries":["order:*","invoice:*"],"include":{"region":"eu"},"exclude":{"tier":"test"},
                 "each_n":2,"each_s":0.5}""".formatted(PASSWORD));

        assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
        assertThat(created.raw().body()).doesNotContain(PASSWORD);
        JsonNode task = created.json();
        assertThat(names(task)).containsExactly("info", "settings", "diagnostics");
        JsonNode info = task.get("info");
        assertThat(names(info)).containsExactly("name", "mode", "is_active", "is_provisioned", "pending_records",
                "bytes_behind", "last_batch_lag_ms", "last_error", "applied");
        assertThat(info.get("name").asString()).isEqualTo("to-dr");
        assertThat(info.get("mode").asString()).isEqualTo("enabled");
        assertThat(info.get("is_active").asBoolean()).isFalse();
        assertThat(info.get("is_provisioned").asBoolean()).isFalse();
        assertThat(info.get("pending_records").asLong()).isZero();
        assertThat(info.get("bytes_behind").asLong()).isZero();
        assertThat(info.get("last_batch_lag_ms").asLong()).isEqualTo(-1);
        assertThat(info.get("last_error").isNull()).isTrue();
        assertThat(info.get("applied").isNull()).isTrue();
        JsonNode settings = task.get("settings");
        assertThat(names(settings)).containsExactly("src_instance", "dst_instance", "dst_host", "dst_password",
                "entries", "include", "exclude", "each_n", "each_s", "mode");
        assertThat(settings.get("src_instance").asString()).isEqualTo(src);
        assertThat(settings.get("dst_instance").isNull()).isTrue();
        assertThat(settings.get("dst_host").asString()).isEqualTo("redis://10.0.0.9:6380/2");
        assertThat(settings.get("dst_password").asString()).isEqualTo("***");
        assertThat(settings.get("entries")).isEqualTo(JSON.readTree("[\"order:*\",\"invoice:*\"]"));
        assertThat(settings.get("include")).isEqualTo(JSON.readTree("{\"region\":\"eu\"}"));
        assertThat(settings.get("exclude")).isEqualTo(JSON.readTree("{\"tier\":\"test\"}"));
        assertThat(settings.get("each_n").asInt()).isEqualTo(2);
        assertThat(settings.get("each_s").asDouble()).isEqualTo(0.5);
        assertThat(settings.get("mode").asString()).isEqualTo("enabled");
        assertThat(task.get("diagnostics")).isEqualTo(JSON.readTree(
                "{\"hourly\":{\"ok\":0,\"errored\":0,\"errors\":{}},\"minutes\":[]}"));

        // At rest the password is sealed with the installation's key, under its own purpose.
        String sealed = (String) taskRow("to-dr").get("dst_password");
        assertThat(sealed).startsWith("v1:").doesNotContain(PASSWORD);
        assertThat(SecretBox.fromKeyFile(KEY_FILE).open("replication_tasks.dst_password", sealed)).isEqualTo(PASSWORD);

        Response shown = get(base + "/to-dr", alice);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json()).isEqualTo(created.json());

        Response list = get(base, alice);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json()).isEqualTo(JSON.readTree("""
                {"replications":[{"name":"to-dr","mode":"enabled","is_active":false,"is_provisioned":false,
                 "pending_records":0}]}"""));
        assertThat(list.raw().body()).doesNotContain("password").doesNotContain("***");

        // PUT with the mask (as GET shows it) and the same host keeps the stored password
        Response replaced = put(base + "/to-dr", alice, """
                {"src_instance":"%s","dst_host":"redis://10.0.0.9:6380/2","dst_password":"***",
                 "entries":["order:*"],"each_n":5,"mode":"paused"}""".formatted(src));
        assertThat(replaced.status()).as(replaced.raw().body()).isEqualTo(200);
        assertThat(replaced.json().get("info").get("mode").asString()).isEqualTo("paused");
        assertThat(replaced.json().get("settings").get("each_n").asInt()).isEqualTo(5);
        assertThat(replaced.json().get("settings").get("each_s").isNull()).isTrue();
        assertThat(replaced.json().get("settings").get("include")).isEqualTo(JSON.readTree("{}"));
        assertThat(replaced.json().get("settings").get("dst_password").asString()).isEqualTo("***");
        assertThat(taskRow("to-dr").get("dst_password")).isEqualTo(sealed);
        assertThat(count("select count(*) from replication_tasks where updated_at > created_at")).isOne();

        // absent password, same host: kept
        assertThat(put(base + "/to-dr", alice,
                "{\"src_instance\":\"orders\",\"dst_host\":\"redis://10.0.0.9:6380/2\"}").status()).isEqualTo(200);
        assertThat(taskRow("to-dr").get("dst_password")).isEqualTo(sealed);
        // the mask for another host is refused: the stored password was not given for it
        assertFault(put(base + "/to-dr", alice,
                        "{\"src_instance\":\"orders\",\"dst_host\":\"rediss://dr.example:6379\","
                                + "\"dst_password\":\"***\"}"),
                400, "badRequest", null);
        // another host without a password: none
        Response moved = put(base + "/to-dr", alice,
                "{\"src_instance\":\"orders\",\"dst_host\":\"rediss://dr.example:6379\"}");
        assertThat(moved.json().get("settings").get("dst_host").asString()).isEqualTo("rediss://dr.example:6379");
        assertThat(moved.json().get("settings").get("dst_password").isNull()).isTrue();
        assertThat(moved.json().get("info").get("mode").asString()).isEqualTo("enabled");
        assertThat(taskRow("to-dr").get("dst_password")).isNull();

        Response paused = patch(base + "/to-dr/mode", alice, "{\"mode\":\"paused\"}");
        assertThat(paused.status()).as(paused.raw().body()).isEqualTo(200);
        assertThat(paused.json().get("info").get("mode").asString()).isEqualTo("paused");
        assertThat(paused.json().get("settings").get("dst_host").asString()).isEqualTo("rediss://dr.example:6379");
        assertThat(taskRow("to-dr")).containsEntry("mode", "paused");

        Response deleted = delete(base + "/to-dr", alice);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.raw().body()).isEmpty();
        assertFault(get(base + "/to-dr", alice), 404, "itemNotFound", "Replication 'to-dr' does not exist");
        assertThat(count("select count(*) from replication_tasks")).isZero();
    }

    @Test
    void aTaskToAnotherInstanceIsCreatedByNameShownByIdAndListedByName() {
        String src = instance(alice, alphaProject, "primary");
        String dst = instance(alice, alphaProject, "standby");

        Response created = post(base + "/to-standby", alice,
                "{\"src_instance\":\"primary\",\"dst_instance\":\"standby\",\"dst_password\":null}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
        JsonNode settings = created.json().get("settings");
        assertThat(settings.get("src_instance").asString()).isEqualTo(src);
        assertThat(settings.get("dst_instance").asString()).isEqualTo(dst);
        assertThat(settings.get("dst_host").isNull()).isTrue();
        assertThat(settings.get("dst_password").isNull()).isTrue();
        assertThat(settings.get("entries")).isEqualTo(JSON.readTree("[]"));
        assertThat(settings.get("each_n").isNull()).isTrue();

        // the settings GET shows are a valid PUT body
        Response replaced = put(base + "/to-standby", alice, JSON.writeValueAsString(
                JSON.readTree(created.raw().body()).get("settings")));
        assertThat(replaced.status()).as(replaced.raw().body()).isEqualTo(200);
        assertThat(replaced.json().get("settings")).isEqualTo(settings);

        assertThat(post(base + "/a-first", alice,
                "{\"src_instance\":\"" + dst + "\",\"dst_instance\":\"" + src + "\",\"mode\":\"disabled\"}").status())
                .isEqualTo(200);
        JsonNode list = get(base, alice).json().get("replications");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("name").asString()).isEqualTo("a-first");
        assertThat(list.get(0).get("mode").asString()).isEqualTo("disabled");
        assertThat(list.get(1).get("name").asString()).isEqualTo("to-standby");

        assertThat(delete(base + "/to-standby", alice).status()).isEqualTo(204);
        assertThat(get(base, alice).json().get("replications")).hasSize(1);
    }

    @Test
    void refusalsCarryReductStoresTexts() {
        String src = instance(alice, alphaProject, "src");
        instance(alice, alphaProject, "dst");
        String host = "{\"src_instance\":\"src\",\"dst_host\":\"redis://h:6379\"}";
        assertThat(post(base + "/taken", alice, host).status()).isEqualTo(200);

        assertFault(post(base + "/taken", alice, host), 409, "conflict", "Replication 'taken' already exists");
        assertFault(get(base + "/nope", alice), 404, "itemNotFound", "Replication 'nope' does not exist");
        assertFault(put(base + "/nope", alice, host), 404, "itemNotFound", "Replication 'nope' does not exist");
        assertFault(patch(base + "/nope/mode", alice, "{\"mode\":\"paused\"}"), 404, "itemNotFound",
                "Replication 'nope' does not exist");
        assertFault(delete(base + "/nope", alice), 404, "itemNotFound", "Replication 'nope' does not exist");

        assertFault(post(base + "/r", alice, "{\"src_instance\":\"ghost\",\"dst_host\":\"redis://h:6379\"}"), 404,
                "itemNotFound", "Source instance 'ghost' for replication 'r' does not exist");
        String unknown = UUID.randomUUID().toString();
        assertFault(post(base + "/r", alice, "{\"src_instance\":\"" + unknown + "\",\"dst_host\":\"redis://h:6379\"}"),
                404, "itemNotFound", "Source instance '" + unknown + "' for replication 'r' does not exist");
        assertFault(post(base + "/r", alice, "{\"src_instance\":\"src\",\"dst_instance\":\"ghost\"}"), 404,
                "itemNotFound", "Destination instance 'ghost' for replication 'r' does not exist");
        assertFault(post(base + "/r", alice, "{\"src_instance\":\"src\",\"dst_instance\":\"" + src + "\"}"), 422,
                "unprocessableEntity", "Source and destination instances must be different");
        assertFault(put(base + "/taken", alice, "{\"src_instance\":\"ghost\",\"dst_host\":\"redis://h:6379\"}"), 404,
                "itemNotFound", "Source instance 'ghost' for replication 'taken' does not exist");

        // a deleted instance is no source
        String gone = instance(alice, alphaProject, "gone");
        jdbc.sql("update instances set deleted = true where id = cast(? as uuid)").param(gone).update();
        assertFault(post(base + "/r", alice, "{\"src_instance\":\"" + gone + "\",\"dst_host\":\"redis://h:6379\"}"),
                404, "itemNotFound", "Source instance '" + gone + "' for replication 'r' does not exist");
        // a name two instances carry is refused rather than guessed
        instance(alice, alphaProject, "twin");
        instance(alice, alphaProject, "twin");
        assertFault(post(base + "/r", alice, "{\"src_instance\":\"twin\",\"dst_host\":\"redis://h:6379\"}"), 400,
                "badRequest", "Source instance 'twin' for replication 'r' names 2 instances; give its id");

        assertFault(post(base + "/r", alice, "{\"src_instance\":\"src\"}"), 400, "badRequest",
                "Validation error: one of 'dst_instance' and 'dst_host' is required");
        assertFault(post(base + "/r", alice,
                        "{\"src_instance\":\"src\",\"dst_instance\":\"dst\",\"dst_host\":\"redis://h:6379\"}"),
                400, "badRequest",
                "Validation error: 'dst_instance' and 'dst_host' are mutually exclusive; give one of them");
        assertFault(post(base + "/r", alice, "{\"dst_host\":\"redis://h:6379\"}"), 400, "badRequest",
                "Validation error: 'src_instance' is a required property");

        for (String bad : List.of("http://h:6379", "redis://h", "redis://h:0", "redis://h:65536", "redis://h:6379/16",
                "redis://h:6379/x", "redis:h:6379", "redis://:6379", "redis://h:6379/1/2", "h:6379", "REDIS://h:1",
                "redis://h:6379#f", "redis://h a:6379")) {
            assertFault(post(base + "/r", alice, "{\"src_instance\":\"src\",\"dst_host\":\"" + bad + "\"}"), 422,
                    "unprocessableEntity", "Invalid destination host '" + bad + "'");
        }
        // a password in the URL is never echoed
        Response userinfo = post(base + "/r", alice, "{\"src_instance\":\"src\",\"dst_host\":\"redis://u:" + PASSWORD
                + "@h:6379/1\"}");
        assertFault(userinfo, 422, "unprocessableEntity",
                "Invalid destination host 'redis://***@h:6379/1': give the password in dst_password, not in the URL");
        assertThat(userinfo.raw().body()).doesNotContain(PASSWORD);
        Response query = post(base + "/r", alice, "{\"src_instance\":\"src\",\"dst_host\":\"redis://h:6379?password="
                + PASSWORD + "\"}");
        assertFault(query, 422, "unprocessableEntity", "Invalid destination host 'redis://h:6379?***'");
        for (String good : List.of("rediss://cache.example.com:6380/15", "redis://[::1]:7000/", "redis://10.1.2.3:1")) {
            String name = "ok-" + Math.abs(good.hashCode());
            Response r = post(base + "/" + name, alice, "{\"src_instance\":\"src\",\"dst_host\":\"" + good + "\"}");
            assertThat(r.status()).as(good + ": " + r.raw().body()).isEqualTo(200);
        }

        assertThat(count("select count(*) from replication_tasks where name = 'r'")).isZero();
    }

    @Test
    void badValuesAndBodiesAre400sNamingTheField() {
        instance(alice, alphaProject, "src");
        String url = base + "/f";
        String prefix = "{\"src_instance\":\"src\",\"dst_host\":\"redis://h:6379\",";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("\"each_n\":0}", "Validation error: each_n 0 is less than the minimum of 1");
        cases.put("\"each_n\":1.5}", "Validation error: each_n 1.5 is not of type 'integer', 'null'");
        cases.put("\"each_n\":\"2\"}", "Validation error: each_n '2' is not of type 'integer', 'null'");
        cases.put("\"each_n\":99999999999}",
                "Validation error: each_n 99999999999 is greater than the maximum of 2147483647");
        cases.put("\"each_s\":0}", "Validation error: each_s 0.0 is less than or equal to the minimum of 0");
        cases.put("\"each_s\":-1.5}", "Validation error: each_s -1.5 is less than or equal to the minimum of 0");
        cases.put("\"each_s\":\"x\"}", "Validation error: each_s 'x' is not of type 'number', 'null'");
        cases.put("\"each_s\":1e400}", "Validation error: each_s must be a finite number");
        cases.put("\"mode\":\"on\"}", "Validation error: mode 'on' is not one of ['enabled', 'paused', 'disabled']");
        cases.put("\"mode\":1}", "Validation error: mode 1 is not of type 'string'");
        cases.put("\"entries\":\"a*\"}", "Validation error: entries 'a*' is not of type 'array'");
        cases.put("\"entries\":[\"a*\",1]}", "Validation error: entries[1] 1 is not of type 'string'");
        cases.put("\"entries\":[\"\"]}", "Validation error: entries[0] must not be empty");
        cases.put("\"entries\":[\"sensor-[12\"]}",
                "Validation error: key pattern 'sensor-[12' has a '[' that is never closed");
        cases.put("\"include\":[]}", "Validation error: include [] is not of type 'object'");
        cases.put("\"include\":{\"a\":1}}", "Validation error: include['a'] 1 is not of type 'string'");
        cases.put("\"exclude\":\"x\"}", "Validation error: exclude 'x' is not of type 'object'");
        cases.put("\"exclude\":{\"\":\"v\"}}", "Validation error: exclude has an empty label");
        cases.put("\"bucket\":\"x\"}",
                "Validation error: Additional properties are not allowed ('bucket' was unexpected)");
        cases.put("\"dst_password\":12345}", "Validation error: dst_password is not of type 'string'");
        cases.put("\"dst_password\":\"***\"}", null);
        cases.forEach((tail, message) -> assertFault(post(url, alice, prefix + tail), 400, "badRequest", message));
        assertFault(post(url, alice, "{\"src_instance\":5,\"dst_host\":\"redis://h:6379\"}"), 400, "badRequest",
                "Validation error: src_instance 5 is not of type 'string'");
        assertFault(post(url, alice, "{\"src_instance\":\"src\",\"dst_instance\":\"src\",\"dst_password\":\"x\"}"), 400,
                "badRequest", "Validation error: 'dst_password' is only used with 'dst_host'");

        String nameRule = "' must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-'";
        assertFault(post(base + "/bad*name", alice, prefix + "\"mode\":\"enabled\"}"), 400, "badRequest",
                "Validation error: replication name 'bad*name" + nameRule);
        String long65 = "n".repeat(65);
        assertFault(post(base + "/" + long65, alice, prefix + "\"mode\":\"enabled\"}"), 400, "badRequest",
                "Validation error: replication name '" + long65 + nameRule);
        assertFault(get(base + "/caf%C3%A9", alice), 400, "badRequest",
                "Validation error: replication name 'café" + nameRule);
        assertThat(post(base + "/" + "n".repeat(64), alice, prefix + "\"mode\":\"enabled\"}").status()).isEqualTo(200);

        assertFault(post(url, alice, "{\"src_instance\":"), 400, "badRequest", "The request body is not valid JSON.");
        assertFault(post(url, alice, "[]"), 400, "badRequest", "The request body must be a JSON object.");
        assertFault(post(url, alice, ""), 400, "badRequest", null);
        assertFault(send("POST", url, alice, "src_instance=src", "application/x-www-form-urlencoded"), 415,
                "badMediaType", null);
        assertFault(send("PUT", base, alice, "{}"), 405, "badMethod", null);

        assertThat(post(url, alice, prefix + "\"mode\":\"paused\"}").status()).isEqualTo(200);
        assertFault(patch(url + "/mode", alice, "{}"), 400, "badRequest",
                "Validation error: 'mode' is a required property");
        assertFault(patch(url + "/mode", alice, "{\"mode\":\"stopped\"}"), 400, "badRequest",
                "Validation error: mode 'stopped' is not one of ['enabled', 'paused', 'disabled']");
        assertFault(patch(url + "/mode", alice, "{\"mode\":\"enabled\",\"x\":1}"), 400, "badRequest",
                "Validation error: Additional properties are not allowed ('x' was unexpected)");
        assertFault(patch(url + "/mode", alice, "nope"), 400, "badRequest", null);
        assertThat(taskRow("f")).containsEntry("mode", "paused");
    }

    @Test
    void anotherProjectCannotSeeTouchOrUseTheFirstProjectsTasksAndInstances() {
        String src = instance(alice, alphaProject, "alices");
        assertThat(post(base + "/private", alice, "{\"src_instance\":\"alices\",\"dst_host\":\"redis://h:6379\"}")
                .status()).isEqualTo(200);
        String bob = bob();
        String bobBase = "/v1.0/" + betaProject + "/replications";
        String body = "{\"src_instance\":\"" + src + "\",\"dst_host\":\"redis://h:6379\"}";

        assertThat(get(bobBase, bob).json().get("replications")).isEmpty();
        assertFault(get(bobBase + "/private", bob), 404, "itemNotFound", "Replication 'private' does not exist");
        assertFault(put(bobBase + "/private", bob, body), 404, "itemNotFound", "Replication 'private' does not exist");
        assertFault(patch(bobBase + "/private/mode", bob, "{\"mode\":\"disabled\"}"), 404, "itemNotFound",
                "Replication 'private' does not exist");
        assertFault(delete(bobBase + "/private", bob), 404, "itemNotFound", "Replication 'private' does not exist");
        // nor with a token for its own project on the first project's path
        assertFault(get(base + "/private", bob), 403, "forbidden", null);

        // alice's instance is neither source nor destination for bob, by id or by name
        assertFault(post(bobBase + "/steal", bob, body), 404, "itemNotFound",
                "Source instance '" + src + "' for replication 'steal' does not exist");
        String own = instance(bob, betaProject, "bobs");
        assertFault(post(bobBase + "/steal", bob, "{\"src_instance\":\"bobs\",\"dst_instance\":\"alices\"}"), 404,
                "itemNotFound", "Destination instance 'alices' for replication 'steal' does not exist");
        assertFault(post(bobBase + "/steal", bob,
                        "{\"src_instance\":\"" + own + "\",\"dst_instance\":\"" + src + "\"}"), 404, "itemNotFound",
                "Destination instance '" + src + "' for replication 'steal' does not exist");

        // the same name in another project is another task
        assertThat(post(bobBase + "/private", bob, "{\"src_instance\":\"bobs\",\"dst_host\":\"redis://h:6379\"}")
                .status()).isEqualTo(200);
        assertThat(count("select count(*) from replication_tasks where name = 'private'")).isEqualTo(2);
        assertThat(get(base + "/private", alice).json().get("settings").get("src_instance").asString()).isEqualTo(src);
        assertThat(count("select count(*) from replication_tasks where project_id = ? and mode = 'enabled'",
                alphaProject)).isOne();
    }

    @Test
    void aReaderReadsTasksButCannotChangeThem() {
        instance(alice, alphaProject, "src");
        assertThat(post(base + "/watched", alice, "{\"src_instance\":\"src\",\"dst_host\":\"redis://h:6379\"}")
                .status()).isEqualTo(200);
        userWithRole("rita", "rita-secret", "alpha", "reader");
        String rita = token("rita", "rita-secret", "alpha");
        String body = "{\"src_instance\":\"src\",\"dst_host\":\"redis://h:6379\"}";

        assertThat(get(base, rita).json().get("replications").get(0).get("name").asString()).isEqualTo("watched");
        assertThat(get(base + "/watched", rita).json().get("info").get("name").asString()).isEqualTo("watched");
        assertPolicyRefusal(post(base + "/mine", rita, body), "replication:create");
        assertPolicyRefusal(put(base + "/watched", rita, body), "replication:update");
        assertPolicyRefusal(patch(base + "/watched/mode", rita, "{\"mode\":\"paused\"}"), "replication:mode");
        assertPolicyRefusal(delete(base + "/watched", rita), "replication:delete");

        assertThat(count("select count(*) from replication_tasks")).isOne();
        assertThat(taskRow("watched")).containsEntry("mode", "enabled");
    }

    private static void assertPolicyRefusal(Response r, String action) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(403);
        assertThat(r.json().get("forbidden").get("message").asString())
                .isEqualTo("Policy doesn't allow " + action + " to be performed.");
    }

    @Test
    void theAgentsReportIsShownAsInfoAndDiagnosticsWhileItIsFresh() {
        String src = instance(alice, alphaProject, "src");
        assertThat(post(base + "/live", alice, "{\"src_instance\":\"src\",\"dst_host\":\"redis://h:6379\"}")
                .status()).isEqualTo(200);
        UUID id = (UUID) taskRow("live").get("id");
        ReplicationTaskReport report = new ReplicationTaskReport(id, UUID.fromString(src), true, 42, 4096, 35,
                new ReplicationTaskReport.Position("8de1f1c2", 123_456, 3),
                new ReplicationTaskReport.Hourly(1000, 3, Map.of(
                        "WRONGTYPE", new ReplicationTaskReport.ErrorCount(2, "WRONGTYPE Operation against a key"),
                        "CONNECTION", new ReplicationTaskReport.ErrorCount(1, "Connection refused")),
                        List.of(new ReplicationTaskReport.Minute(29_736_000, 400, 0, 12),
                                new ReplicationTaskReport.Minute(29_736_002, 600, 3, 42))),
                "WRONGTYPE Operation against a key");
        jdbc.sql("update replication_tasks set runtime = cast(? as jsonb), runtime_at = now() where id = ?")
                .params(Wire.toJson(report), id).update();

        JsonNode shown = get(base + "/live", alice).json();
        JsonNode info = shown.get("info");
        assertThat(info.get("is_active").asBoolean()).isTrue();
        assertThat(info.get("pending_records").asLong()).isEqualTo(42);
        assertThat(info.get("bytes_behind").asLong()).isEqualTo(4096);
        assertThat(info.get("last_batch_lag_ms").asLong()).isEqualTo(35);
        assertThat(info.get("last_error").asString()).isEqualTo("WRONGTYPE Operation against a key");
        assertThat(info.get("applied")).isEqualTo(JSON.readTree(
                "{\"repl_id\":\"8de1f1c2\",\"offset\":123456,\"db\":3}"));
        assertThat(shown.get("diagnostics")).isEqualTo(JSON.readTree("""
                {"hourly":{"ok":1000,"errored":3,"errors":{
                  "CONNECTION":{"count":1,"last_message":"Connection refused"},
                  "WRONGTYPE":{"count":2,"last_message":"WRONGTYPE Operation against a key"}}},
                 "minutes":[{"minute":"2026-07-16T00:00:00Z","ok":400,"errored":0,"pending":12},
                            {"minute":"2026-07-16T00:02:00Z","ok":600,"errored":3,"pending":42}]}"""));
        assertThat(get(base, alice).json().get("replications").get(0)).isEqualTo(JSON.readTree("""
                {"name":"live","mode":"enabled","is_active":true,"is_provisioned":false,"pending_records":42}"""));

        // paused still runs (it collects); disabled does not, whatever the last report said
        patch(base + "/live/mode", alice, "{\"mode\":\"paused\"}");
        assertThat(get(base + "/live", alice).json().get("info").get("is_active").asBoolean()).isTrue();
        patch(base + "/live/mode", alice, "{\"mode\":\"disabled\"}");
        assertThat(get(base + "/live", alice).json().get("info").get("is_active").asBoolean()).isFalse();
        patch(base + "/live/mode", alice, "{\"mode\":\"enabled\"}");

        // a report the agent has not renewed for 10 s says nothing about now; its figures stay
        jdbc.sql("update replication_tasks set runtime_at = now() - interval '10 seconds' where id = ?").param(id)
                .update();
        JsonNode stale = get(base + "/live", alice).json();
        assertThat(stale.get("info").get("is_active").asBoolean()).isFalse();
        assertThat(stale.get("info").get("pending_records").asLong()).isEqualTo(42);
        assertThat(get(base, alice).json().get("replications").get(0).get("is_active").asBoolean()).isFalse();

        // an agent that reports it cannot reach the destination: not active, however fresh
        report = new ReplicationTaskReport(id, UUID.fromString(src), false, 42, 0, -1, null, null,
                "CONNECTION Connection refused");
        jdbc.sql("update replication_tasks set runtime = cast(? as jsonb), runtime_at = now() where id = ?")
                .params(Wire.toJson(report), id).update();
        JsonNode down = get(base + "/live", alice).json();
        assertThat(down.get("info").get("is_active").asBoolean()).isFalse();
        assertThat(down.get("info").get("applied").isNull()).isTrue();
        assertThat(down.get("diagnostics")).isEqualTo(JSON.readTree(
                "{\"hourly\":{\"ok\":0,\"errored\":0,\"errors\":{}},\"minutes\":[]}"));
    }

    @Test
    void aProvisionedTaskMayBePausedButNotReplacedOrRemoved() {
        String src = instance(alice, alphaProject, "src");
        service.upsertProvisioned(alphaProject, "from-env", new ReplicationSettings(src, null,
                "redis://backup:6379/1", PASSWORD, List.of("a:*"), Map.of(), Map.of(), null, null, null));
        JsonNode shown = get(base + "/from-env", alice).json();
        assertThat(shown.get("info").get("is_provisioned").asBoolean()).isTrue();
        assertThat(shown.get("settings").get("dst_password").asString()).isEqualTo("***");

        String body = "{\"src_instance\":\"src\",\"dst_host\":\"redis://h:6379\"}";
        assertFault(put(base + "/from-env", alice, body), 409, "conflict",
                "Can't update provisioned replication 'from-env'");
        assertFault(delete(base + "/from-env", alice), 409, "conflict",
                "Can't remove provisioned replication 'from-env'");
        assertFault(post(base + "/from-env", alice, body), 409, "conflict", "Replication 'from-env' already exists");
        Response paused = patch(base + "/from-env/mode", alice, "{\"mode\":\"paused\"}");
        assertThat(paused.status()).as(paused.raw().body()).isEqualTo(200);
        assertThat(paused.json().get("info").get("mode").asString()).isEqualTo("paused");

        // the provisioner replaces its own task; a task the API created becomes its own
        String sealed = (String) taskRow("from-env").get("dst_password");
        service.upsertProvisioned(alphaProject, "from-env", new ReplicationSettings(src, null,
                "redis://backup:6379/1", null, List.of("b:*"), Map.of(), Map.of(), 10, null, ReplicationMode.ENABLED));
        assertThat(taskRow("from-env")).containsEntry("dst_password", sealed).containsEntry("each_n", 10)
                .containsEntry("mode", "enabled");
        assertThat(post(base + "/by-api", alice, body).status()).isEqualTo(200);
        service.upsertProvisioned(alphaProject, "by-api", new ReplicationSettings("src", null, "redis://h:6379",
                null, null, null, null, null, null, null));
        assertThat(taskRow("by-api")).containsEntry("provisioned", true);
    }
}
