package org.redtrove.api.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redtrove.api.ApiTestSupport;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Provisioning from the environment, the way an api start runs it but with a map of our own: the
 * objects are created and owned by the environment, a restart changes the task but adds no second
 * instance, the API refuses to change or remove them until the variables go, and every kind of bad
 * variable stops the start with a message naming it.
 */
class ProvisioningApiTest extends ApiTestSupport {

    private static final String PASSWORD = "hunter2-provisioned-secret";

    @Autowired
    private Provisioner provisioner;
    @Autowired
    private ProvisionedReplicas replicas;

    private String alice;
    private String instances;
    private String replications;

    @BeforeEach
    void login() {
        alice = alice();
        instances = "/v1.0/" + alphaProject + "/instances";
        replications = "/v1.0/" + alphaProject + "/replications";
    }

    /** The seed's sensor example: an instance by the project's name, a task by the project's id. */
    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin"); // not ours: ignored
        env.put("REDTROVE_REPLICATION_MAXREPLICAS", "5"); // a configuration key's spelling: ignored
        // configuration keys spelt with '_' for their dashes, under no ID of ours: ignored too
        env.put("REDTROVE_REPLICATION_SYNC_TIMEOUT", "30m");
        env.put("REDTROVE_REPLICATION_MAX_REPLICAS", "5");
        env.put("REDTROVE_INSTANCE_PLANT_NAME", "plant");
        env.put("REDTROVE_INSTANCE_PLANT_PROJECT", "alpha");
        env.put("REDTROVE_INSTANCE_PLANT_FLAVOR", "2");
        env.put("REDTROVE_REPLICATION_SENSORS_A_NAME", "sensors");
        env.put("REDTROVE_REPLICATION_SENSORS_A_PROJECT", alphaProject);
        env.put("REDTROVE_REPLICATION_SENSORS_A_SRC_INSTANCE", "plant");
        env.put("REDTROVE_REPLICATION_SENSORS_A_DST_HOST", "redis://10.0.0.9:6380/2");
        env.put("REDTROVE_REPLICATION_SENSORS_A_DST_PASSWORD", PASSWORD);
        env.put("REDTROVE_REPLICATION_SENSORS_A_ENTRIES", "sensor-*, motor-*");
        env.put("REDTROVE_REPLICATION_SENSORS_A_INCLUDE_engine_status", "working");
        env.put("REDTROVE_REPLICATION_SENSORS_A_EXCLUDE_sensor_status", "corrupted");
        env.put("REDTROVE_REPLICATION_SENSORS_A_EACH_N", "2");
        env.put("REDTROVE_REPLICATION_SENSORS_A_EACH_S", "0.5");
        return env;
    }

    private String plantId() {
        return jdbc.sql("select id::text from instances where name = 'plant' and not deleted").query(String.class)
                .single();
    }

    private static void assertFault(Response r, int status, String message) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.json().get("conflict").get("message").asString()).isEqualTo(message);
    }

    private Response patch(String path, String body) {
        return send("PATCH", path, alice, body);
    }

    @Test
    void anInstanceAndATaskFromTheEnvironmentAreCreatedAndShownProvisioned() {
        Provisioner.Provisioned done = provisioner.provision(environment());

        assertThat(done.instancesCreated()).isEqualTo(1);
        assertThat(done.replicaTargets()).isEmpty();
        String id = plantId();
        assertThat(count("select count(*) from jobs where kind = 'CREATE' and instance_id = cast(? as uuid)", id))
                .isEqualTo(1);
        JsonNode instance = get(instances + "/" + id, alice).json().get("instance");
        assertThat(instance.get("status").asString()).isEqualTo("BUILD");
        assertThat(instance.get("flavor").get("id").asString()).isEqualTo("2");
        assertThat(instance.get("is_provisioned").asBoolean()).isTrue();
        assertThat(get(instances + "/detail", alice).json().get("instances").get(0).get("is_provisioned")
                .asBoolean()).isTrue();
        assertThat(get(instances, alice).json().get("instances").get(0).has("is_provisioned")).isFalse();

        Response task = get(replications + "/sensors", alice);
        assertThat(task.status()).as(task.raw().body()).isEqualTo(200);
        assertThat(task.raw().body()).doesNotContain(PASSWORD);
        assertThat(task.json().get("info").get("is_provisioned").asBoolean()).isTrue();
        assertThat(task.json().get("info").get("mode").asString()).isEqualTo("enabled");
        assertThat(task.json().get("settings")).isEqualTo(JSON.readTree("""
                {"src_instance":"%s","dst_instance":null,"dst_host":"redis://10.0.0.9:6380/2","dst_password":"***",
                 "entries":["sensor-*","motor-*"],"include":{"engine_status":"working"},
                 "exclude":{"sensor_status":"corrupted"},"each_n":2,"each_s":0.5,"mode":"enabled"}""".formatted(id)));
        String stored = jdbc.sql("select dst_password from replication_tasks where name = 'sensors'")
                .query(String.class).single();
        assertThat(stored).isNotNull().doesNotContain(PASSWORD);
    }

    @Test
    void aRestartCreatesNoSecondInstanceAndUpdatesTheTaskKeepingAModeChangedThroughTheApi() {
        provisioner.provision(environment());
        String id = plantId();
        Response paused = patch(replications + "/sensors/mode", "{\"mode\":\"paused\"}");
        assertThat(paused.status()).as(paused.raw().body()).isEqualTo(200);

        Map<String, String> changed = environment();
        changed.put("REDTROVE_REPLICATION_SENSORS_A_ENTRIES", "sensor-*");
        changed.remove("REDTROVE_REPLICATION_SENSORS_A_EACH_N");
        Provisioner.Provisioned again = provisioner.provision(changed);

        assertThat(again.instancesCreated()).isZero();
        assertThat(again.instanceIds()).extracting(Object::toString).containsExactly(id);
        assertThat(count("select count(*) from instances where name = 'plant'")).isEqualTo(1);
        assertThat(count("select count(*) from jobs where kind = 'CREATE'")).isEqualTo(1);
        JsonNode task = get(replications + "/sensors", alice).json();
        assertThat(task.get("settings").get("entries")).isEqualTo(JSON.readTree("[\"sensor-*\"]"));
        assertThat(task.get("settings").get("each_n").isNull()).isTrue();
        assertThat(task.get("info").get("mode").asString()).isEqualTo("paused");
        assertThat(task.get("info").get("is_provisioned").asBoolean()).isTrue();

        changed.put("REDTROVE_REPLICATION_SENSORS_A_MODE", "disabled");
        provisioner.provision(changed);
        assertThat(get(replications + "/sensors", alice).json().get("info").get("mode").asString())
                .isEqualTo("disabled");
    }

    @Test
    void theApiRefusesToChangeOrRemoveProvisionedObjectsButMayPauseThem() {
        provisioner.provision(environment());
        String id = plantId();
        activate(id);

        assertFault(send("DELETE", replications + "/sensors", alice, null), 409,
                "Can't remove provisioned replication 'sensors'");
        assertFault(send("PUT", replications + "/sensors", alice,
                "{\"src_instance\":\"plant\",\"dst_host\":\"redis://h:6379\"}"), 409,
                "Can't update provisioned replication 'sensors'");
        assertThat(patch(replications + "/sensors/mode", "{\"mode\":\"paused\"}").status()).isEqualTo(200);

        assertFault(send("DELETE", instances + "/" + id, alice, null), 409, "Can't remove provisioned instance 'plant'");
        assertFault(patch(instances + "/" + id, "{\"instance\":{\"name\":\"renamed\"}}"), 409,
                "Can't update provisioned instance 'plant'");
        assertFault(send("PUT", instances + "/" + id, alice, "{\"instance\":{\"replica_of\":null}}"), 409,
                "Can't update provisioned instance 'plant'");
        assertThat(instanceRow(id)).containsEntry("name", "plant").containsEntry("task_status", "NONE");
    }

    @Test
    void aRunWithoutTheVariablesMakesThemOrdinaryAgain() {
        provisioner.provision(environment());
        String id = plantId();
        activate(id);

        Provisioner.Provisioned cleared = provisioner.provision(Map.of("PATH", "/usr/bin"));

        assertThat(cleared.instanceIds()).isEmpty();
        assertThat(cleared.taskIds()).isEmpty();
        assertThat(get(instances + "/" + id, alice).json().get("instance").get("is_provisioned").asBoolean())
                .isFalse();
        assertThat(get(replications + "/sensors", alice).json().get("info").get("is_provisioned").asBoolean())
                .isFalse();
        assertThat(send("DELETE", replications + "/sensors", alice, null).status()).isEqualTo(204);
        Response deleted = send("DELETE", instances + "/" + id, alice, null);
        assertThat(deleted.status()).as(deleted.raw().body()).isEqualTo(202);
    }

    @Test
    void replicasAreRequestedOnceTheInstanceIsActiveNamedAfterIt() {
        Map<String, String> env = environment();
        env.put("REDTROVE_INSTANCE_PLANT_REPLICAS", "2");
        Provisioner.Provisioned done = provisioner.provision(env);
        assertThat(done.replicaTargets()).hasSize(1);
        Provisioner.ReplicaTarget target = done.replicaTargets().get(0);
        String id = plantId();

        assertThat(replicas.settled(target)).as("still building").isFalse();
        assertThat(count("select count(*) from instances where replica_of is not null")).isZero();

        activate(id);
        assertThat(replicas.settled(target)).isTrue();
        List<String> names = jdbc.sql("""
                        select name from instances where replica_of = cast(? as uuid) and not deleted order by name""")
                .param(id).query(String.class).list();
        assertThat(names).containsExactly("plant-r-1", "plant-r-2");
        assertThat(count("select count(*) from jobs where kind = 'ATTACH_REPLICAS' and instance_id = cast(? as uuid)",
                id)).isEqualTo(1);

        // a restart with them all in place asks for nothing more
        Provisioner.Provisioned again = provisioner.provision(env);
        assertThat(replicas.settled(again.replicaTargets().get(0))).isTrue();
        assertThat(count("select count(*) from instances where replica_of is not null")).isEqualTo(2);
        // a replica the provisioner added is an ordinary one
        assertThat(count("select count(*) from instances where provisioned")).isEqualTo(1);
    }

    private void assertRefused(Map<String, String> env, String message) {
        assertThatThrownBy(() -> provisioner.provision(env)).isInstanceOf(ProvisioningRefused.class)
                .hasMessage(message).message().doesNotContain(PASSWORD);
    }

    private Map<String, String> with(String key, String value) {
        Map<String, String> env = environment();
        if (value == null) {
            env.remove(key);
        } else {
            env.put(key, value);
        }
        return env;
    }

    @Test
    void everyKindOfBadVariableStopsTheStartNamingIt() {
        assertRefused(with("REDTROVE_INSTANCE_PLANT_NAME", null), "REDTROVE_INSTANCE_PLANT_NAME is required");
        assertRefused(with("REDTROVE_INSTANCE_PLANT_PROJECT", ""), "REDTROVE_INSTANCE_PLANT_PROJECT must not be empty");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_SRC_INSTANCE", null),
                "REDTROVE_REPLICATION_SENSORS_A_SRC_INSTANCE is required");
        assertRefused(with("REDTROVE_INSTANCE_PLANT_FLAVR", "2"), "REDTROVE_INSTANCE_PLANT_FLAVR is not a provisioning "
                + "variable: an instance is given by REDTROVE_INSTANCE_<ID>_NAME, _PROJECT, _FLAVOR and _REPLICAS");
        assertThatThrownBy(() -> provisioner.provision(with("REDTROVE_REPLICATION_SENSORS_A_EACH", "2")))
                .hasMessageStartingWith("REDTROVE_REPLICATION_SENSORS_A_EACH is not a provisioning variable");
        assertRefused(with("REDTROVE_INSTANCE_NAME", "x"),
                "REDTROVE_INSTANCE_NAME has no ID: write REDTROVE_INSTANCE_<ID>_NAME");
        assertRefused(with("REDTROVE_INSTANCE_pl_NAME", "x"),
                "REDTROVE_INSTANCE_pl_NAME: the ID 'pl' must be made of A-Z, 0-9 and '_'");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_INCLUDE_", "x"),
                "REDTROVE_REPLICATION_SENSORS_A_INCLUDE_ has no label: write "
                        + "REDTROVE_REPLICATION_SENSORS_A_INCLUDE_<label>=<value>");

        assertRefused(with("REDTROVE_INSTANCE_PLANT_REPLICAS", "two"),
                "REDTROVE_INSTANCE_PLANT_REPLICAS: 'two' is not an integer");
        assertRefused(with("REDTROVE_INSTANCE_PLANT_REPLICAS", "6"), "REDTROVE_INSTANCE_PLANT_REPLICAS: 6 is greater "
                + "than the maximum of 5 (redtrove.replication.max-replicas)");
        assertRefused(with("REDTROVE_INSTANCE_PLANT_REPLICAS", "-1"),
                "REDTROVE_INSTANCE_PLANT_REPLICAS: -1 is less than the minimum of 0");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_EACH_N", "1.5"),
                "REDTROVE_REPLICATION_SENSORS_A_EACH_N: '1.5' is not an integer");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_EACH_N", "0"),
                "REDTROVE_REPLICATION_SENSORS_A_EACH_N: 0 is less than the minimum of 1");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_EACH_N", "99999999999"),
                "REDTROVE_REPLICATION_SENSORS_A_EACH_N: 99999999999 is greater than the maximum of 2147483647");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_EACH_S", "NaN"),
                "REDTROVE_REPLICATION_SENSORS_A_EACH_S: 'NaN' is not a number");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_EACH_S", "0"),
                "REDTROVE_REPLICATION_SENSORS_A: Validation error: each_s 0.0 is less than or equal to the minimum of 0");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_MODE", "on"),
                "REDTROVE_REPLICATION_SENSORS_A_MODE: 'on' is not one of enabled, paused, disabled");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_DST_INSTANCE", "plant"), "REDTROVE_REPLICATION_SENSORS_A: "
                + "Validation error: 'dst_instance' and 'dst_host' are mutually exclusive; give one of them");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_ENTRIES", "a,,b"),
                "REDTROVE_REPLICATION_SENSORS_A: Validation error: entries[1] must not be empty");

        assertRefused(with("REDTROVE_INSTANCE_PLANT_PROJECT", "gamma"),
                "REDTROVE_INSTANCE_PLANT_PROJECT: project 'gamma' does not exist");
        assertRefused(with("REDTROVE_INSTANCE_PLANT_FLAVOR", "999"),
                "REDTROVE_INSTANCE_PLANT_FLAVOR: flavor '999' does not exist");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_SRC_INSTANCE", "boiler"),
                "REDTROVE_REPLICATION_SENSORS_A: Source instance 'boiler' for replication 'sensors' does not exist");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_DST_HOST", "http://10.0.0.9:6380"),
                "REDTROVE_REPLICATION_SENSORS_A: Invalid destination host 'http://10.0.0.9:6380'");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_DST_HOST", "redis://:" + PASSWORD + "@10.0.0.9:6380"),
                "REDTROVE_REPLICATION_SENSORS_A: Invalid destination host 'redis://***@10.0.0.9:6380': give the "
                        + "password in dst_password, not in the URL");
        assertRefused(with("REDTROVE_REPLICATION_SENSORS_A_NAME", "sensors!"), "REDTROVE_REPLICATION_SENSORS_A: "
                + "Validation error: replication name 'sensors!' must be 1 to 64 characters of A-Z, a-z, 0-9, "
                + "'_', '.' and '-'");

        Map<String, String> twice = environment();
        twice.put("REDTROVE_INSTANCE_PLANT_2_NAME", "plant");
        twice.put("REDTROVE_INSTANCE_PLANT_2_PROJECT", alphaProject); // the same project, by its id
        assertRefused(twice, "REDTROVE_INSTANCE_PLANT_2_NAME: REDTROVE_INSTANCE_PLANT already provisions the "
                + "instance 'plant' in project '" + alphaProject + "'");
        twice = environment();
        twice.put("REDTROVE_REPLICATION_SENSORS_B_NAME", "sensors");
        twice.put("REDTROVE_REPLICATION_SENSORS_B_PROJECT", "alpha");
        twice.put("REDTROVE_REPLICATION_SENSORS_B_SRC_INSTANCE", "plant");
        twice.put("REDTROVE_REPLICATION_SENSORS_B_DST_HOST", "redis://10.0.0.8:6379");
        assertRefused(twice, "REDTROVE_REPLICATION_SENSORS_B_NAME: REDTROVE_REPLICATION_SENSORS_A already provisions "
                + "the replication 'sensors' in project 'alpha'");

        // a refusal leaves nothing behind, not even the instance provisioned before the bad task
        assertThat(count("select count(*) from instances")).isZero();
        assertThat(count("select count(*) from replication_tasks")).isZero();
        assertThat(count("select count(*) from jobs")).isZero();
    }
}
