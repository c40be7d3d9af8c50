package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redtrove.common.JobParams;
import org.redtrove.common.Wire;
import tools.jackson.databind.JsonNode;

class InstancesApiTest extends ApiTestSupport {

    private String alice;
    private String base;

    @BeforeEach
    void login() {
        alice = alice();
        base = "/v1.0/" + alphaProject + "/instances";
    }

    private Response create(String name) {
        return post(base, alice, "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":\"2\","
                + "\"volume\":{\"size\":3,\"type\":null},\"datastore\":{\"type\":\"redis\",\"version\":\"7.0\"},"
                + "\"access\":{\"is_public\":false}}}");
    }

    private String createActive(String name) {
        String id = create(name).json().get("instance").get("id").asString();
        activate(id);
        return id;
    }

    private Response createReplicas(String sourceId, String name, int count) {
        return post(base, alice, "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":\"1\",\"replica_of\":\""
                + sourceId + "\",\"replica_count\":" + count + "}}");
    }

    private static void assertFault(Response r, int status, String name, String message) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get(name).get("code").asInt()).isEqualTo(status);
        if (message != null) {
            assertThat(r.json().get(name).get("message").asString()).isEqualTo(message);
        }
    }

    @Test
    void createAnswers200WithPasswordAndTheInstanceIsReadableAtOnce() {
        Response r = create("cache");

        assertThat(r.status()).isEqualTo(200);
        JsonNode created = r.json().get("instance");
        String id = created.get("id").asString();
        assertThat(created.get("status").asString()).isEqualTo("BUILD");
        assertThat(created.get("password").asString()).hasSize(24).matches("[A-Za-z0-9_-]+");
        assertThat(created.get("flavor").get("id").asString()).isEqualTo("2");
        assertThat(created.get("volume").get("size").asInt()).isEqualTo(3);
        assertThat(created.get("datastore").get("version").asString()).isEqualTo("7.0");
        assertThat(created.get("datastore").get("version_number").asString()).isEqualTo("7.0.15");
        assertThat(created.has("replica_of")).isFalse();
        assertThat(created.has("replicas")).isFalse();
        assertThat(r.raw().body()).doesNotContain("null");

        Response shown = get(base + "/" + id, alice);
        assertThat(shown.status()).isEqualTo(200);
        JsonNode instance = shown.json().get("instance");
        assertThat(instance.get("status").asString()).isEqualTo("BUILD");
        assertThat(instance.get("operating_status").asString()).isEmpty();
        assertThat(instance.get("region").asString()).isEqualTo("RegionOne");
        assertThat(instance.get("access").get("is_public").asBoolean()).isFalse();
        assertThat(instance.has("password")).isFalse();
        assertThat(instance.has("tenant_id")).isFalse();

        assertThat(count("select count(*) from jobs where instance_id = cast(? as uuid) and kind = 'CREATE'"
                + " and state = 'QUEUED' and project_id = ?", id, alphaProject)).isEqualTo(1);
        assertThat(count("select count(*) from outbox o join jobs j on j.id = o.job_id"
                + " where j.instance_id = cast(? as uuid) and o.sent_at is null", id)).isEqualTo(1);
        assertThat(instanceRow(id)).containsEntry("task_status", "BUILDING").containsEntry("server_status", "BUILD")
                .containsEntry("service_status", "NEW");
        // At rest the password is sealed with the installation's key, not stored in plain text.
        assertThat((String) instanceRow(id).get("password")).startsWith("v1:")
                .doesNotContain(created.get("password").asString());

        Response password = get(base + "/" + id + "/password", alice);
        assertThat(password.json().get("password").asString()).isEqualTo(created.get("password").asString());
        Response jobs = get(base + "/" + id + "/jobs", alice);
        assertThat(jobs.json().get("jobs").get(0).get("kind").asString()).isEqualTo("CREATE");
        assertThat(jobs.json().get("jobs").get(0).get("progress").isObject()).isTrue();
    }

    @Test
    void activeInstanceShowsHostAddressPortAndOperatingStatus() {
        String id = createActive("placed");
        jdbc.sql("insert into hosts (id, name, address, last_heartbeat_at) values ('h1', 'h1', '10.1.2.3', now())")
                .update();
        jdbc.sql("update instances set host_id = 'h1', port = 7001 where id = cast(? as uuid)").param(id).update();

        JsonNode instance = get(base + "/" + id, alice).json().get("instance");
        assertThat(instance.get("status").asString()).isEqualTo("ACTIVE");
        assertThat(instance.get("operating_status").asString()).isEqualTo("HEALTHY");
        assertThat(instance.get("ip").get(0).asString()).isEqualTo("10.1.2.3");
        assertThat(instance.get("addresses").get(0).get("type").asString()).isEqualTo("private");
        assertThat(instance.get("port").asInt()).isEqualTo(7001);
    }

    @Test
    void badBodiesAreJsonFaultsWithPreciseMessages() {
        assertFault(post(base, alice, "{\"instance\":"), 400, "badRequest", null);
        assertFault(post(base, alice, "{\"instance\":{\"flavorRef\":1}}"), 400, "badRequest",
                "Validation error: instance 'name' is a required property");
        assertFault(post(base, alice, "{\"instance\":{\"name\":5,\"flavorRef\":1}}"), 400, "badRequest",
                "Validation error: instance['name'] 5 is not of type 'string'");
        assertFault(post(base, alice, "{\"instance\":{\"name\":\"a\",\"flavorRef\":true}}"), 400, "badRequest",
                "Validation error: instance['flavorRef'] true is not of type 'string', 'integer'");
        assertFault(post(base, alice, "{\"instance\":{\"name\":\"a\",\"flavorRef\":1,\"volume\":{\"size\":\"x\"}}}"),
                400, "badRequest", "Validation error: instance['volume']['size'] 'x' is not of type 'integer'");
        assertFault(post(base, alice, "{\"instance\":{\"name\":\"a\",\"replica_of\":\"x\",\"replica_count\":\"2\"}}"),
                400, "badRequest", "Validation error: instance['replica_count'] '2' is not of type 'integer'");
        assertFault(post(base, alice, "{\"instance\":{\"name\":\"a\",\"replica_of\":\"x\",\"replica_count\":6}}"),
                400, "badRequest", "Validation error: instance['replica_count'] 6 is greater than the maximum of 5");
        assertFault(post(base, alice, "{\"instance\":{\"name\":\"a\",\"flavorRef\":1,\"replica_count\":2}}"),
                400, "badRequest", "Replica count only valid when creating replicas. Cannot create 2 instances.");
        assertFault(post(base, alice, "{\"instance\":{\"name\":\"a\",\"flavorRef\":99}}"), 404, "itemNotFound",
                "Flavor 99 could not be found.");
        assertFault(send("POST", base, alice, "name=a", "application/x-www-form-urlencoded"), 415,
                "badMediaType", null);

        String huge = "{\"instance\":{\"name\":\"" + "x".repeat(70_000) + "\",\"flavorRef\":1}}";
        assertFault(post(base, alice, huge), 400, "badRequest", "The request body is larger than 65536 bytes.");
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + base))
                .header("X-Auth-Token", alice).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge.getBytes())))
                .build();
        assertFault(exchange(chunked), 400, "badRequest", "The request body is larger than 65536 bytes.");

        assertThat(count("select count(*) from instances")).isZero();
    }

    @Test
    void unknownRoutesMethodsAndActionsAreJsonFaults() {
        assertFault(get("/v1.0/" + alphaProject + "/nothing-here", alice), 404, "itemNotFound", null);
        assertFault(send("DELETE", base, alice, null), 405, "badMethod", null);
        assertFault(get("/no/such/path", null), 404, "itemNotFound", null);
        String id = createActive("acted");
        assertFault(post(base + "/" + id + "/action", alice, "{\"reboot_the_universe\":{}}"), 400, "badRequest", null);
        assertThat(post(base + "/" + id + "/action", alice, "{\"reset_status\":{}}").status()).isEqualTo(202);
    }

    @Test
    void namesMalformedIdsAndUnknownIdsAre404() {
        create("by-name");
        assertFault(get(base + "/by-name", alice), 404, "itemNotFound", "Resource by-name cannot be found.");
        String unknown = UUID.randomUUID().toString();
        assertFault(get(base + "/" + unknown, alice), 404, "itemNotFound", "Resource " + unknown + " cannot be found.");
    }

    @Test
    void anotherProjectsInstanceIsInvisibleAndUntouched() {
        String id = createActive("alices");
        String bob = bob();
        String bobBase = "/v1.0/" + betaProject + "/instances/" + id;

        assertFault(get(bobBase, bob), 404, "itemNotFound", "Resource " + id + " cannot be found.");
        assertFault(send("DELETE", bobBase, bob, null), 404, "itemNotFound", null);
        assertFault(post(bobBase + "/action", bob, "{\"eject_replica_source\":{}}"), 404, "itemNotFound", null);
        assertFault(send("PUT", bobBase, bob, "{\"instance\":{\"replica_of\":null}}"), 404, "itemNotFound", null);
        assertFault(get(bobBase + "/jobs", bob), 404, "itemNotFound", null);
        assertFault(get(bobBase + "/password", bob), 404, "itemNotFound", null);
        assertThat(get("/v1.0/" + betaProject + "/instances", bob).json().get("instances")).isEmpty();

        assertThat(instanceRow(id)).containsEntry("task_status", "NONE");
        assertThat(count("select count(*) from jobs")).isEqualTo(1);
    }

    @Test
    void replicasInheritTheSourceAndShareOneJob() {
        String source = createActive("src");
        Response r = createReplicas(source, "rep", 2);

        assertThat(r.status()).isEqualTo(200);
        JsonNode last = r.json().get("instance");
        assertThat(last.get("name").asString()).isEqualTo("rep-2");
        assertThat(last.get("replica_of").get("id").asString()).isEqualTo(source);
        assertThat(last.get("flavor").get("id").asString()).isEqualTo("2"); // the source's, not flavorRef 1
        assertThat(last.get("status").asString()).isEqualTo("BUILD");
        assertThat(get(base + "/" + last.get("id").asString() + "/password", alice).json().get("password"))
                .isEqualTo(get(base + "/" + source + "/password", alice).json().get("password"));

        String params = jdbc.sql("select params::text from jobs where kind = 'ATTACH_REPLICAS'"
                + " and instance_id = cast(? as uuid)").param(source).query(String.class).single();
        JobParams job = Wire.fromJson(params, JobParams.class);
        assertThat(job.instanceIds()).hasSize(2).contains(UUID.fromString(last.get("id").asString()));
        assertThat(count("select count(*) from outbox")).isEqualTo(2); // the source's CREATE and one ATTACH_REPLICAS

        JsonNode shownSource = get(base + "/" + source, alice).json().get("instance");
        assertThat(shownSource.get("replicas")).hasSize(2);
    }

    @Test
    void slaveOfIsTheDeprecatedNameOfReplicaOf() {
        String source = createActive("src");
        Response r = post(base, alice, "{\"instance\":{\"name\":\"old-client\",\"flavorRef\":\"1\","
                + "\"slave_of\":\"" + source + "\"}}");

        assertThat(r.status()).isEqualTo(200);
        String replica = r.json().get("instance").get("id").asString();
        assertThat(r.json().get("instance").get("replica_of").get("id").asString()).isEqualTo(source);
        assertThat(instanceRow(replica).get("replica_of")).hasToString(source);
        assertThat(count("select count(*) from jobs where kind = 'ATTACH_REPLICAS' and instance_id = cast(? as uuid)",
                source)).isOne();
        assertThat(get(base + "/" + source, alice).json().get("instance").get("replicas").get(0).get("id").asString())
                .isEqualTo(replica);
    }

    @Test
    void replicaOfAReplicaIsRefusedWithTrovesText() {
        String source = createActive("src");
        String replica = createReplicas(source, "rep", 1).json().get("instance").get("id").asString();
        activate(replica);

        assertFault(createReplicas(replica, "again", 1), 400, "badRequest",
                "Cannot create a replica of a replica " + replica + ".");
        assertFault(createReplicas(UUID.randomUUID().toString(), "x", 1), 404, "itemNotFound", null);
        assertFault(createReplicas("not-a-uuid", "x", 1), 404, "itemNotFound", null);
    }

    @Test
    void busySourceIs422() {
        String building = create("still-building").json().get("instance").get("id").asString();
        assertFault(createReplicas(building, "rep", 1), 422, "unprocessableEntity",
                "Instance " + building + " is not currently available for an action to be performed"
                        + " (task status was BUILDING).");
        assertFault(send("DELETE", base + "/" + building, alice, null), 422, "unprocessableEntity", null);
    }

    @Test
    void deletingASourceWithReplicasIsForbiddenAndAReplicaMayBeDeleted() {
        String source = createActive("src");
        String replica = createReplicas(source, "rep", 1).json().get("instance").get("id").asString();
        activate(replica);

        assertFault(send("DELETE", base + "/" + source, alice, null), 403, "forbidden",
                "Detach replicas before deleting replica source.");
        Response deleted = send("DELETE", base + "/" + replica, alice, null);
        assertThat(deleted.status()).isEqualTo(202);
        assertThat(get(base + "/" + replica, alice).json().get("instance").get("status").asString())
                .isEqualTo("SHUTDOWN");
        assertThat(count("select count(*) from jobs where kind = 'DELETE'")).isEqualTo(1);

        jdbc.sql("update instances set task_status = 'BUILDING_ERROR_SERVER' where id = cast(? as uuid)")
                .param(source).update();
        jdbc.sql("update instances set deleted = true where id = cast(? as uuid)").param(replica).update();
        assertThat(send("DELETE", base + "/" + source, alice, null).status()).isEqualTo(202);
    }

    @Test
    void detachAndPromoteCheckRolesAndClaimTheWholeSet() {
        String source = createActive("src");
        String r1 = createReplicas(source, "rep", 2).json().get("instance").get("id").asString();
        List<String> replicas = jdbc.sql("select id::text from instances where replica_of = cast(? as uuid)")
                .param(source).query(String.class).list();
        replicas.forEach(this::activate);

        assertFault(post(base + "/" + source + "/action", alice, "{\"promote_to_replica_source\":{}}"), 400,
                "badRequest", "Instance " + source + " is not a replica.");
        assertFault(send("PATCH", base + "/" + source, alice, "{\"instance\":{\"slave_of\":null}}"), 400,
                "badRequest", "Instance " + source + " is not a replica.");

        assertThat(post(base + "/" + r1 + "/action", alice, "{\"promote_to_replica_source\":{}}").status())
                .isEqualTo(202);
        for (String member : List.of(source, replicas.get(0), replicas.get(1))) {
            assertThat(get(base + "/" + member, alice).json().get("instance").get("status").asString())
                    .isEqualTo("PROMOTE");
        }
        String params = jdbc.sql("select params::text from jobs where kind = 'PROMOTE' and instance_id = cast(? as uuid)")
                .param(r1).query(String.class).single();
        assertThat(Wire.fromJson(params, JobParams.class).sourceId()).isEqualTo(UUID.fromString(source));

        // a second promote while the first runs
        assertFault(post(base + "/" + r1 + "/action", alice, "{\"promote_to_replica_source\":{}}"), 422,
                "unprocessableEntity", null);

        List.of(source, replicas.get(0), replicas.get(1)).forEach(this::activate);
        assertThat(send("PUT", base + "/" + r1, alice, "{\"instance\":{\"replica_of\":null}}").status())
                .isEqualTo(202);
        assertThat(get(base + "/" + r1, alice).json().get("instance").get("status").asString()).isEqualTo("DETACH");
        assertThat(count("select count(*) from jobs where kind = 'DETACH'")).isEqualTo(1);
    }

    @Test
    void ejectNeedsReplicasAndASourceTheFailureAnalysisFoundFailed() {
        String lonely = createActive("lonely");
        assertFault(post(base + "/" + lonely + "/action", alice, "{\"eject_replica_source\":{}}"), 400,
                "badRequest", "Instance " + lonely + " is not a replica source.");

        String source = createActive("src");
        String replica = createReplicas(source, "rep", 1).json().get("instance").get("id").asString();
        activate(replica);
        // What the taskmanager's set supervisor stores: the master answers.
        jdbc.sql("update replica_sets set situation = 'HEALTHY' where master_id = cast(? as uuid)").param(source)
                .update();

        assertFault(post(base + "/" + source + "/action", alice, "{\"eject_replica_source\":{}}"), 400,
                "badRequest", "Replica Source " + source + " cannot be ejected as it has a current heartbeat"
                        + " (the set's analysis: HEALTHY).");

        jdbc.sql("update replica_sets set situation = 'UNREACHABLE_MASTER' where master_id = cast(? as uuid)")
                .param(source).update();
        assertThat(post(base + "/" + source + "/action", alice, "{\"eject_replica_source\":{}}").status())
                .isEqualTo(202);
        assertThat(get(base + "/" + source, alice).json().get("instance").get("status").asString()).isEqualTo("EJECT");
        assertThat(get(base + "/" + replica, alice).json().get("instance").get("status").asString())
                .isEqualTo("EJECT");
        assertThat(count("select count(*) from jobs where kind = 'EJECT' and instance_id = cast(? as uuid)", source))
                .isEqualTo(1);
    }

    @Test
    void everyMemberShowsItsReplicaSetAndTheSetRouteShowsItsAnalysis() {
        String source = createActive("cache");
        String replica = createReplicas(source, "cache-r", 1).json().get("instance").get("id").asString();

        JsonNode sourceView = get(base + "/" + source, alice).json().get("instance");
        JsonNode replicaView = get(base + "/" + replica, alice).json().get("instance");
        assertThat(sourceView.get("replica_set").get("name").asString()).isEqualTo("cache");
        assertThat(sourceView.get("replica_set").get("epoch").asLong()).isEqualTo(1);
        assertThat(replicaView.get("replica_set")).isEqualTo(sourceView.get("replica_set"));
        assertThat(replicaView.get("status").asString()).as("a new replica syncs").isEqualTo("BUILD");

        jdbc.sql("""
                update replica_sets set situation = 'HUNG_MASTER', analyzed_at = now(),
                       analysis = '{"situation":"HUNG_MASTER","summary":"HUNG_MASTER: Redis has not answered"}'
                 where master_id = cast(? as uuid)""").param(source).update();
        jdbc.sql("""
                update instances set health = 'UNREACHABLE', health_detail = 'Redis has not answered its guest agent for 2.0 s'
                 where id = cast(? as uuid)""").param(source).update();

        JsonNode set = get("/v1.0/" + alphaProject + "/replica-sets/cache", alice).json().get("replica_set");
        assertThat(set.get("situation").asString()).isEqualTo("HUNG_MASTER");
        assertThat(set.get("summary").asString()).contains("has not answered");
        assertThat(set.get("master").get("id").asString()).isEqualTo(source);
        assertThat(set.get("members")).hasSize(2);
        JsonNode unreachable = get(base + "/" + source, alice).json().get("instance");
        assertThat(unreachable.get("status").asString()).as("never ACTIVE when Redis cannot be reached")
                .isEqualTo("ERROR");
        assertThat(unreachable.get("fault").get("message").asString()).contains("has not answered");
        assertThat(get("/v1.0/" + alphaProject + "/replica-sets", alice).json().get("replica_sets")).hasSize(1);
        assertFault(get("/v1.0/" + betaProject + "/replica-sets/cache", bob()), 404, "itemNotFound", null);
    }

    @Test
    void listIsNewestFirstAndPaginates() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create("i" + i).json().get("instance").get("id").asString());
        }
        Response page1 = get(base + "?include_clustered=False&limit=2", alice);
        assertThat(page1.status()).isEqualTo(200);
        JsonNode items = page1.json().get("instances");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("id").asString()).isEqualTo(ids.get(4));
        assertThat(items.get(1).get("id").asString()).isEqualTo(ids.get(3));
        assertThat(items.get(0).has("volume")).isTrue();
        assertThat(items.get(0).has("datastore")).isTrue();
        assertThat(items.get(0).has("region")).isTrue();
        assertThat(items.get(0).has("created")).isFalse();
        String next = page1.json().get("links").get(0).get("href").asString();
        assertThat(next).contains("marker=" + ids.get(3));

        Response page2 = get(next.substring(next.indexOf("/v1.0")), alice);
        assertThat(page2.json().get("instances").get(0).get("id").asString()).isEqualTo(ids.get(2));
        Response last = get(base + "?limit=2&marker=" + ids.get(1), alice);
        assertThat(last.json().get("instances")).hasSize(1);
        assertThat(last.json().has("links")).isFalse();

        Response detail = get(base + "/detail", alice);
        assertThat(detail.json().get("instances")).hasSize(5);
        assertThat(detail.json().get("instances").get(0).has("created")).isTrue();

        String admin = token("admin", "admin-secret", "admin");
        JsonNode all = get("/v1.0/" + adminProject + "/instances", admin).json().get("instances");
        assertThat(all).hasSize(5);
        assertThat(all.get(0).get("tenant_id").asString()).isEqualTo(alphaProject);
    }

    @Test
    void catalogListsFlavorsAndDatastoreVersions() {
        Response flavors = get("/v1.0/" + alphaProject + "/flavors", alice);
        JsonNode first = flavors.json().get("flavors").get(0);
        assertThat(first.get("id").isInt()).isTrue();
        assertThat(first.get("str_id").asString()).isEqualTo("1");
        assertThat(first.get("ram").asInt()).isEqualTo(128);
        assertThat(get("/v1.0/" + alphaProject + "/flavors/2", alice).json().get("flavor").get("name").asString())
                .isEqualTo("redis.small");
        assertFault(get("/v1.0/" + alphaProject + "/flavors/nope", alice), 404, "itemNotFound", null);

        JsonNode ds = get("/v1.0/" + alphaProject + "/datastores", alice).json().get("datastores").get(0);
        assertThat(ds.get("name").asString()).isEqualTo("redis");
        assertThat(ds.get("default_version").asString()).isEqualTo(VERSION_ID);
        JsonNode versions = get("/v1.0/" + alphaProject + "/datastores/redis/versions", alice).json().get("versions");
        assertThat(versions.get(0).get("name").asString()).isEqualTo("7.0");
        assertThat(get("/v1.0/" + alphaProject + "/datastores/redis/versions/7.0", alice).json().get("version")
                .get("version").asString()).isEqualTo("7.0.15");
        assertThat(get("/v1.0/" + alphaProject + "/datastores/versions/" + VERSION_ID, alice).status()).isEqualTo(200);
        assertFault(get("/v1.0/" + alphaProject + "/datastores/mysql", alice), 404, "itemNotFound", null);
    }
}
