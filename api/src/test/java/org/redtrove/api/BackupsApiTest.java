package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The backup routes as a tenant meets them, up to the queued job: Trove's view and statuses, the
 * instance's BACKUP status, Trove's refusals, the backups quota, isolation between projects, the
 * reader role, and the checks of a create's restorePoint. The jobs themselves run in the deploy
 * module's TroveParityTest, on real redis-servers.
 */
class BackupsApiTest extends ApiTestSupport {

    private String alice;
    private String base;

    @BeforeEach
    void login() {
        jdbc.sql("delete from quotas").update();
        alice = alice();
        base = "/v1.0/" + alphaProject;
    }

    private String instance(String name) {
        Response created = post(base + "/instances", alice, "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":1}}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asString();
        activate(id);
        return id;
    }

    private Response backup(String token, String body) {
        return post(base + "/backups", token, body);
    }

    private static void assertFault(Response r, int status, String name, String message) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.json().get(name).get("code").asInt()).isEqualTo(status);
        if (message != null) {
            assertThat(r.json().get(name).get("message").asString()).isEqualTo(message);
        }
    }

    /** What the BACKUP job records when it succeeds. */
    private void complete(String backupId, long size) {
        jdbc.sql("""
                update backups set status = 'COMPLETED', store_key = id || '.rdb', size_bytes = :size,
                       checksum = repeat('ab', 32) where id = cast(:id as uuid)""")
                .param("size", size).param("id", backupId).update();
        jdbc.sql("update instances set task_status = 'NONE' where task_status = 'BACKING_UP'").update();
    }

    @Test
    void aBackupIsQueuedWithTrovesViewAndTheInstanceShowsBackup() {
        String id = instance("db");
        Response created = backup(alice, "{\"backup\":{\"name\":\"nightly\",\"instance\":\"" + id
                + "\",\"description\":\"before the upgrade\",\"incremental\":0}}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(202);
        JsonNode b = created.json().get("backup");
        assertThat(b.get("name").asString()).isEqualTo("nightly");
        assertThat(b.get("description").asString()).isEqualTo("before the upgrade");
        assertThat(b.get("status").asString()).isEqualTo("NEW");
        assertThat(b.get("instance_id").asString()).isEqualTo(id);
        assertThat(b.get("project_id").asString()).isEqualTo(alphaProject);
        assertThat(b.get("datastore").get("type").asString()).isEqualTo("redis");
        assertThat(b.get("datastore").get("version").asString()).isEqualTo("7.0");
        assertThat(b.get("size").isNull()).isTrue();
        assertThat(b.has("parent_id")).isTrue();
        String backupId = b.get("id").asString();

        assertThat(get(base + "/instances/" + id, alice).json().get("instance").get("status").asString())
                .isEqualTo("BACKUP");
        assertThat(count("select count(*) from jobs where kind = 'BACKUP' and instance_id = cast(? as uuid)", id))
                .isEqualTo(1);
        // another action waits for the backup, as in Trove
        assertFault(post(base + "/instances/" + id + "/action", alice, "{\"restart\":{}}"), 422, "unprocessableEntity",
                "Instance " + id + " is not currently available for an action to be performed (task status was "
                        + "BACKING_UP).");
        assertFault(send("DELETE", base + "/backups/" + backupId, alice, null), 422, "unprocessableEntity",
                "Backup " + backupId + " cannot be deleted while it is NEW.");

        complete(backupId, 3 * 1024 * 1024);
        JsonNode shown = get(base + "/backups/" + backupId, alice).json().get("backup");
        assertThat(shown.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(shown.get("size").asDouble()).isCloseTo(3.0 / 1024, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(shown.get("size_bytes").asLong()).isEqualTo(3 * 1024 * 1024);
        assertThat(ids(get(base + "/backups", alice).json())).containsExactly(backupId);
        assertThat(ids(get(base + "/instances/" + id + "/backups", alice).json())).containsExactly(backupId);
        assertThat(ids(get(base + "/backups?instance_id=" + id, alice).json())).containsExactly(backupId);
        assertThat(ids(get(base + "/backups?datastore=redis", alice).json())).containsExactly(backupId);

        // the quota counts it; the delete is a job
        JsonNode limits = get(base + "/limits", alice).json().get("limits").get(0);
        assertThat(limits.get("max_backups").asInt()).isEqualTo(50);
        // the backups of a deleted instance are still listed by its id
        jdbc.sql("update instances set deleted = true where id = cast(? as uuid)").param(id).update();
        assertThat(ids(get(base + "/backups?instance_id=" + id, alice).json())).containsExactly(backupId);
        assertThat(get(base + "/instances/" + id + "/backups", alice).status()).isEqualTo(404);
        assertThat(send("DELETE", base + "/backups/" + backupId, alice, null).status()).isEqualTo(202);
        assertThat(count("select count(*) from jobs where kind = 'DELETE_BACKUP'")).isEqualTo(1);
    }

    private static List<String> ids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("backups").forEach(b -> ids.add(b.get("id").asString()));
        return ids;
    }

    @Test
    void badRequestsGetTrovesFaults() {
        String id = instance("db");
        assertFault(backup(alice, "{\"backup\":{\"instance\":\"" + id + "\"}}"), 400, "badRequest",
                "Validation error: backup 'name' is a required property");
        assertFault(backup(alice, "{\"backup\":{\"name\":\"x\"}}"), 400, "badRequest",
                "Validation error: backup 'instance' is a required property");
        assertFault(backup(alice, "{\"nope\":{}}"), 400, "badRequest", "Validation error: 'backup' is a required property");
        assertFault(backup(alice, "{\"backup\":{\"name\":\"x\",\"instance\":\"" + id + "\",\"incremental\":1}}"), 400,
                "badRequest", "Incremental backups are not supported for datastore redis: every backup is a full snapshot.");
        assertFault(backup(alice, "{\"backup\":{\"name\":\"x\",\"instance\":\"no-such\"}}"), 404, "itemNotFound",
                "Resource no-such cannot be found.");
        assertThat(backup(alice, "{\"backup\":{\"name\":\"x\",\"instance\":5}}").status()).isEqualTo(400);
        assertThat(backup(alice, "not json").status()).isEqualTo(400);
        assertFault(get(base + "/backups/not-a-uuid", alice), 404, "itemNotFound", "Resource not-a-uuid cannot be found.");
        assertThat(count("select count(*) from backups")).isZero();
    }

    @Test
    void anotherProjectSeesNoneOfThemAndAReaderMayOnlyRead() {
        String id = instance("db");
        String backupId = backup(alice, "{\"backup\":{\"name\":\"mine\",\"instance\":\"" + id + "\"}}").json()
                .get("backup").get("id").asString();
        complete(backupId, 1024);
        String bob = bob();
        String beta = "/v1.0/" + betaProject;
        assertThat(ids(get(beta + "/backups", bob).json())).isEmpty();
        assertThat(get(beta + "/backups/" + backupId, bob).status()).isEqualTo(404);
        assertThat(send("DELETE", beta + "/backups/" + backupId, bob, null).status()).isEqualTo(404);
        assertThat(post(beta + "/backups", bob, "{\"backup\":{\"name\":\"theirs\",\"instance\":\"" + id + "\"}}")
                .status()).isEqualTo(404);
        Response restore = post(beta + "/instances", bob, "{\"instance\":{\"name\":\"stolen\",\"flavorRef\":1,"
                + "\"restorePoint\":{\"backupRef\":\"" + backupId + "\"}}}");
        assertFault(restore, 404, "itemNotFound", "Resource " + backupId + " cannot be found.");

        userWithRole("rita", "rita-secret", "alpha", "reader");
        String rita = token("rita", "rita-secret", "alpha");
        assertThat(ids(get(base + "/backups", rita).json())).containsExactly(backupId);
        assertThat(backup(rita, "{\"backup\":{\"name\":\"r\",\"instance\":\"" + id + "\"}}").status()).isEqualTo(403);
        assertThat(send("DELETE", base + "/backups/" + backupId, rita, null).status()).isEqualTo(403);
    }

    @Test
    void theBackupsQuotaHolds() {
        String id = instance("db");
        String admin = token("admin", "admin-secret", "admin");
        assertThat(send("PUT", "/v1.0/" + adminProject + "/mgmt/quotas/" + alphaProject, admin,
                "{\"quotas\":{\"backups\":1}}").status()).isEqualTo(200);
        String first = backup(alice, "{\"backup\":{\"name\":\"one\",\"instance\":\"" + id + "\"}}").json()
                .get("backup").get("id").asString();
        complete(first, 1024);
        Response second = backup(alice, "{\"backup\":{\"name\":\"two\",\"instance\":\"" + id + "\"}}");
        assertFault(second, 413, "overLimit", "Quota exceeded for resources: ['backups'].");
        // refused as a whole: the instance is not left in BACKUP
        assertThat(instanceRow(id).get("task_status")).isEqualTo("NONE");
    }

    @Test
    void aRestorePointMustBeACompletedBackupThatFits() {
        String id = instance("db");
        String backupId = backup(alice, "{\"backup\":{\"name\":\"b\",\"instance\":\"" + id + "\"}}").json()
                .get("backup").get("id").asString();
        String restore = "{\"instance\":{\"name\":\"back\",\"flavorRef\":1,\"restorePoint\":{\"backupRef\":\""
                + backupId + "\"}}}";
        assertFault(post(base + "/instances", alice, restore), 400, "badRequest",
                "Unable to create instance because backup " + backupId + " is not completed. Actual state: NEW.");
        complete(backupId, 3L * 1024 * 1024 * 1024); // 3 GB; flavor 1 has a 1 GB disk
        assertFault(post(base + "/instances", alice, restore), 400, "badRequest",
                "Backup is too large for given flavor or volume. Backup size: 3.00 GBs. Available size: 1 GBs.");
        Response fits = post(base + "/instances", alice, "{\"instance\":{\"name\":\"back\",\"flavorRef\":1,"
                + "\"volume\":{\"size\":4},\"restorePoint\":{\"backupRef\":\"" + backupId + "\"}}}");
        assertThat(fits.status()).as(fits.raw().body()).isEqualTo(200);
        String restored = fits.json().get("instance").get("id").asString();
        assertThat(instanceRow(restored).get("restored_from").toString()).isEqualTo(backupId);
        assertFault(post(base + "/instances", alice, "{\"instance\":{\"name\":\"r\",\"replica_of\":\"" + id
                + "\",\"restorePoint\":{\"backupRef\":\"" + backupId + "\"}}}"), 400, "badRequest",
                "A replica takes its data from its source; it cannot be restored from a backup.");
        assertThat(post(base + "/instances", alice, "{\"instance\":{\"name\":\"r\",\"flavorRef\":1,"
                + "\"restorePoint\":{}}}").status()).isEqualTo(400);
    }
}
