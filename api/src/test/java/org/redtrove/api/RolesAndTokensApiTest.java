package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens and roles mean what Keystone says: roles are checked on every use, a new password ends
 * the old tokens, reader only reads, member manages the project, admin does everything, and only
 * an admin, a service user or the token's own user may validate a token.
 */
class RolesAndTokensApiTest extends ApiTestSupport {

    private static final String V3 = "/identity/v3";

    private String admin;
    private String alice;
    private String instances;

    @BeforeEach
    void login() {
        admin = token("admin", "admin-secret", "admin");
        alice = alice();
        instances = "/v1.0/" + alphaProject + "/instances";
    }

    private String createInstance(String token, String base, String name) {
        Response created = post(base, token, "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":1}}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
        return created.json().get("instance").get("id").asString();
    }

    private static void assertPolicyRefusal(Response r, String action) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(403);
        assertThat(r.json().get("forbidden").get("message").asString())
                .isEqualTo("Policy doesn't allow " + action + " to be performed.");
    }

    private Response validate(String caller, String subject) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + V3 + "/auth/tokens"))
                .header("X-Subject-Token", subject).GET();
        if (caller != null) {
            b.header("X-Auth-Token", caller);
        }
        return exchange(b.build());
    }

    @Test
    void aRevokedRoleTakesItsRightsAwayAtOnceAndTheLastOneTheToken() {
        userWithRole("carol", "carol-secret", "alpha", "member");
        userWithRole("carol", "carol-secret", "alpha", "reader");
        String carol = token("carol", "carol-secret", "alpha");
        assertThat(get(instances, carol).status()).isEqualTo(200);

        assertThat(send("DELETE", V3 + "/projects/" + alphaProject + "/users/u-carol/roles/member", admin, null)
                .status()).isEqualTo(204);
        assertThat(get(instances, carol).status()).as("reader still reads").isEqualTo(200);
        assertPolicyRefusal(post(instances, carol, "{\"instance\":{\"name\":\"late\",\"flavorRef\":1}}"),
                "instance:create");

        assertThat(send("DELETE", V3 + "/projects/" + alphaProject + "/users/u-carol/roles/reader", admin, null)
                .status()).isEqualTo(204);
        Response after = get(instances, carol);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().get("unauthorized").get("code").asInt()).isEqualTo(401);
        assertThat(validate(admin, carol).status()).isEqualTo(404);
        assertThat(count("select count(*) from instances")).isZero();
    }

    @Test
    void aNewPasswordRevokesEveryTokenOfTheUser() {
        userWithRole("dave", "dave-secret", "alpha", "member");
        String first = token("dave", "dave-secret", "alpha");
        String second = token("dave", "dave-secret", "alpha");
        assertThat(get(instances, first).status()).isEqualTo(200);

        Response changed = send("PATCH", V3 + "/users/u-dave", admin, "{\"user\":{\"password\":\"new-secret\"}}");
        assertThat(changed.status()).isEqualTo(200);

        assertThat(get(instances, first).status()).isEqualTo(401);
        assertThat(get(instances, second).status()).isEqualTo(401);
        assertThat(validate(admin, first).status()).isEqualTo(404);
        assertThat(count("select count(*) from tokens where user_id = 'u-dave'")).isZero();
        assertThat(get(instances, token("dave", "new-secret", "alpha")).status()).isEqualTo(200);
        // other users keep theirs
        assertThat(get(instances, alice).status()).isEqualTo(200);
    }

    @Test
    void aReaderListsAndShowsButCannotCreateDeleteRenameActOrSeeThePassword() {
        String id = createInstance(alice, instances, "watched");
        activate(id);
        userWithRole("rita", "rita-secret", "alpha", "reader");
        String rita = token("rita", "rita-secret", "alpha");

        assertThat(get(instances, rita).json().get("instances").get(0).get("id").asString()).isEqualTo(id);
        assertThat(get(instances + "/detail", rita).status()).isEqualTo(200);
        assertThat(get(instances + "/" + id, rita).json().get("instance").get("name").asString()).isEqualTo("watched");
        assertThat(get(instances + "/" + id + "/jobs", rita).status()).isEqualTo(200);
        assertThat(get("/v1.0/" + alphaProject + "/replica-sets/watched", rita).json().get("replica_set")
                .get("name").asString()).isEqualTo("watched");
        assertThat(get("/v1.0/" + alphaProject + "/replica-sets", rita).json().get("replica_sets")).hasSize(1);
        assertThat(get("/v1.0/" + alphaProject + "/flavors", rita).status()).isEqualTo(200);
        assertThat(get("/v1.0/" + alphaProject + "/datastores/redis/versions", rita).status()).isEqualTo(200);
        assertThat(send("HEAD", instances + "/" + id, rita, null).status()).isEqualTo(200);

        assertPolicyRefusal(post(instances, rita, "{\"instance\":{\"name\":\"mine\",\"flavorRef\":1}}"),
                "instance:create");
        assertPolicyRefusal(send("DELETE", instances + "/" + id, rita, null), "instance:delete");
        assertPolicyRefusal(send("PUT", instances + "/" + id, rita, "{\"instance\":{\"name\":\"x\"}}"),
                "instance:update");
        assertPolicyRefusal(send("PATCH", instances + "/" + id, rita, "{\"instance\":{\"name\":\"x\"}}"),
                "instance:edit");
        assertPolicyRefusal(post(instances + "/" + id + "/action", rita, "{\"reset_status\":{}}"), "instance:action");
        assertPolicyRefusal(get(instances + "/" + id + "/password", rita), "instance:password");

        assertThat(instanceRow(id)).containsEntry("name", "watched").containsEntry("task_status", "NONE");
        assertThat(count("select count(*) from instances")).isOne();
        assertThat(count("select count(*) from jobs where kind <> 'CREATE'")).isZero();
    }

    @Test
    void aMemberManagesItsProjectsInstances() {
        String id = createInstance(alice, instances, "managed");
        activate(id);
        assertThat(get(instances + "/" + id + "/password", alice).json().get("password").asString()).hasSize(24);
        assertThat(send("PUT", instances + "/" + id, alice, "{\"instance\":{\"name\":\"renamed\"}}").status())
                .isEqualTo(202);
        assertThat(instanceRow(id)).containsEntry("name", "renamed");
        assertThat(send("DELETE", instances + "/" + id, alice, null).status()).isEqualTo(202);
        assertThat(instanceRow(id)).containsEntry("task_status", "DELETING");
    }

    @Test
    void anAdminDoesEverythingAndSeesEveryProject() {
        String base = "/v1.0/" + adminProject + "/instances";
        String own = createInstance(admin, base, "admins");
        String alices = createInstance(alice, instances, "alices");
        activate(own);
        activate(alices);
        assertThat(get(base, admin).json().get("instances")).hasSize(2);
        assertThat(get(base + "/" + own + "/password", admin).status()).isEqualTo(200);
        assertThat(send("PUT", base + "/" + alices, admin, "{\"instance\":{\"name\":\"by-admin\"}}").status())
                .isEqualTo(202);
        assertThat(instanceRow(alices)).containsEntry("name", "by-admin");
        assertThat(send("DELETE", base + "/" + alices, admin, null).status()).isEqualTo(202);
    }

    @Test
    void aServiceRoleUserOnlyValidatesTokensAndGetsNoTroveRights() {
        userWithRole("svc", "svc-secret", "service", "service");
        String svc = token("svc", "svc-secret", "service");
        Response validated = validate(svc, alice);
        assertThat(validated.status()).isEqualTo(200);
        assertThat(validated.json().get("token").get("project").get("id").asString()).isEqualTo(alphaProject);
        assertThat(validate(svc, "bogus").status()).isEqualTo(404);
        assertPolicyRefusal(get("/v1.0/p-service/instances", svc), "instance:index");
    }

    @Test
    void validatingAnotherUsersTokenNeedsAdminOrServiceElseOnlyYourOwn() {
        String bob = bob();
        Response refused = validate(alice, bob);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("error").get("message").asString()).contains("identity:validate_token");
        assertThat(validate(alice, "no-such-token").status()).as("no probing for tokens").isEqualTo(403);

        String another = token("alice", "alice-secret", "alpha");
        Response own = validate(alice, another);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("token").get("user").get("id").asString()).isEqualTo("u-alice");

        assertThat(validate(admin, bob).status()).isEqualTo(200);
        assertThat(validate(admin, "no-such-token").status()).isEqualTo(404);
        assertThat(validate(null, bob).status()).isEqualTo(401);
    }
}
