package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Per-project quotas: Trove's defaults, its 413 body, a race-free check, and the admin quota routes. */
class QuotasApiTest extends ApiTestSupport {

    private String admin;
    private String alice;
    private String instances;
    private String quotas;

    @BeforeEach
    void login() {
        jdbc.sql("delete from quotas").update();
        admin = token("admin", "admin-secret", "admin");
        alice = alice();
        instances = "/v1.0/" + alphaProject + "/instances";
        quotas = "/v1.0/" + adminProject + "/mgmt/quotas/" + alphaProject;
    }

    private void setQuota(String resource, int limit) {
        Response r = send("PUT", quotas, admin, "{\"quotas\":{\"" + resource + "\":" + limit + "}}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
    }

    private Response create(String name, int flavor, Integer volume) {
        return post(instances, alice, "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":" + flavor
                + (volume == null ? "" : ",\"volume\":{\"size\":" + volume + "}") + "}}");
    }

    private String createActive(String name) {
        Response r = create(name, 1, null);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        String id = r.json().get("instance").get("id").asString();
        activate(id);
        return id;
    }

    private static void assertOverQuota(Response r, String resources) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(413);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get("overLimit").get("code").asInt()).isEqualTo(413);
        assertThat(r.json().get("overLimit").get("message").asString())
                .isEqualTo("Quota exceeded for resources: " + resources + ".");
    }

    @Test
    void quotaShowListsEveryResourceWithTrovesDefaultsAndUsage() {
        createActive("one");
        create("two", 2, 3);
        Response shown = get(quotas, admin);
        assertThat(shown.status()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (JsonNode q : shown.json().get("quotas")) {
            lines.add(q.get("resource").asString() + " " + q.get("in_use").asLong() + " " + q.get("reserved").asLong()
                    + " " + q.get("limit").asInt());
        }
        assertThat(lines).containsExactly("backups 0 0 50", "instances 2 0 10", "ram 640 0 -1", "replicas 0 0 -1",
                "volumes 3 0 40");
    }

    @Test
    void aCreateOverTheInstanceQuotaIsTroves413AndLeavesNothingBehind() {
        setQuota("instances", 2);
        createActive("a");
        createActive("b");
        assertOverQuota(create("c", 1, null), "['instances']");
        assertThat(count("select count(*) from instances")).isEqualTo(2);
        assertThat(count("select count(*) from jobs")).isEqualTo(2);

        // a delete gives the quota back at once, as Trove's does
        String deleted = jdbc.sql("select id::text from instances where name = 'a'").query(String.class).single();
        assertThat(send("DELETE", instances + "/" + deleted, alice, null).status()).isEqualTo(202);
        assertThat(create("c", 1, null).status()).isEqualTo(200);
    }

    @Test
    void replicasCountAsInstancesAndAsReplicasAndChargeTheirFlavorsMemory() {
        String source = createActive("src");
        setQuota("instances", 3);
        Response two = post(instances, alice, "{\"instance\":{\"name\":\"r\",\"replica_of\":\"" + source
                + "\",\"replica_count\":2}}");
        assertThat(two.status()).as(two.raw().body()).isEqualTo(200);
        assertOverQuota(post(instances, alice, "{\"instance\":{\"name\":\"r3\",\"replica_of\":\"" + source + "\"}}"),
                "['instances']");

        setQuota("instances", -1);
        setQuota("replicas", 2);
        setQuota("ram", 128 * 3);
        assertOverQuota(post(instances, alice, "{\"instance\":{\"name\":\"r3\",\"replica_of\":\"" + source + "\"}}"),
                "['ram', 'replicas']");
        assertThat(count("select count(*) from instances where replica_of is not null")).isEqualTo(2);
    }

    @Test
    void memoryAndVolumeQuotasCountFlavorsAndVolumeSizes() {
        setQuota("ram", 600);
        setQuota("volumes", 5);
        assertThat(create("small", 2, 4).status()).isEqualTo(200);          // 512 MB, 4 GB
        assertOverQuota(create("tiny", 1, null), "['ram']");                  // 640 > 600
        setQuota("ram", -1);
        assertOverQuota(create("more", 1, 2), "['volumes']");                 // 6 > 5
        assertThat(create("local", 1, null).status()).isEqualTo(200);       // no volume, no volume quota
    }

    @Test
    void concurrentCreatesCannotBothTakeTheLastPlace() throws Exception {
        setQuota("instances", 1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + instances))
                    .header("X-Auth-Token", alice).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"instance\":{\"name\":\"race-" + i
                            + "\",\"flavorRef\":1}}")).build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            statuses.add(answer.get().statusCode());
        }
        assertThat(statuses).containsOnly(200, 413);
        assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
        assertThat(count("select count(*) from instances")).isOne();
    }

    @Test
    void quotaUpdateAnswersTheLimitsItSetAndRefusesUnknownResourcesAndBadValues() {
        Response updated = send("PUT", quotas, admin, "{\"quotas\":{\"instances\":20,\"ram\":null,\"volumes\":-1}}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("quotas").get("instances").asInt()).isEqualTo(20);
        assertThat(updated.json().get("quotas").get("volumes").asInt()).isEqualTo(-1);
        assertThat(updated.json().get("quotas").has("ram")).isFalse();

        Response unknown = send("PUT", quotas, admin, "{\"quotas\":{\"cores\":4}}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("itemNotFound").get("message").asString())
                .isEqualTo("Unknown quota resources cores.");
        assertThat(send("PUT", quotas, admin, "{\"quotas\":{\"instances\":-2}}").status()).isEqualTo(400);
        assertThat(send("PUT", quotas, admin, "{\"quotas\":{\"instances\":\"5\"}}").status()).isEqualTo(400);
        assertThat(send("PUT", quotas, admin, "{\"quotas\":[]}").status()).isEqualTo(400);

        // a project only an external Keystone knows can have quotas too
        String elsewhere = "/v1.0/" + adminProject + "/mgmt/quotas/not-a-local-project";
        assertThat(send("PUT", elsewhere, admin, "{\"quotas\":{\"instances\":1}}").status()).isEqualTo(200);
        assertThat(get(elsewhere, admin).json().get("quotas").get(1).get("limit").asInt()).isEqualTo(1);
        assertThat(count("select count(*) from quotas where project_id = ? and resource = 'instances'", alphaProject))
                .isOne();
    }

    @Test
    void onlyAdminsMaySeeOrChangeQuotas() {
        userWithRole("rita", "rita-secret", "alpha", "reader");
        String mine = "/v1.0/" + alphaProject + "/mgmt/quotas/" + alphaProject;
        for (String token : new String[] {alice, token("rita", "rita-secret", "alpha")}) {
            Response show = get(mine, token);
            assertThat(show.status()).isEqualTo(403);
            assertThat(show.json().get("forbidden").get("message").asString())
                    .isEqualTo("Policy doesn't allow mgmt:quota:show to be performed.");
            Response update = send("PUT", mine, token, "{\"quotas\":{\"instances\":100}}");
            assertThat(update.json().get("forbidden").get("message").asString())
                    .isEqualTo("Policy doesn't allow mgmt:quota:update to be performed.");
        }
        assertThat(count("select count(*) from quotas")).isZero();
    }
}
