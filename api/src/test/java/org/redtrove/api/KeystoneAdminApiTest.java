package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Keystone v3 admin routes that {@code openstack project|user|role ...} uses. */
class KeystoneAdminApiTest extends ApiTestSupport {

    private static final String V3 = "/identity/v3";

    private String admin() {
        return token("admin", "admin-secret", "admin");
    }

    @Test
    void adminCreatesAProjectAUserAndAMemberRoleAndTheUserCanLogIn() {
        String admin = admin();
        Response project = post(V3 + "/projects", admin,
                "{\"project\":{\"name\":\"gamma\",\"description\":\"team gamma\",\"domain_id\":\"default\",\"enabled\":true}}");
        assertThat(project.status()).isEqualTo(201);
        JsonNode p = project.json().get("project");
        String projectId = p.get("id").asString();
        assertThat(p.get("name").asString()).isEqualTo("gamma");
        assertThat(p.get("description").asString()).isEqualTo("team gamma");
        assertThat(p.get("domain_id").asString()).isEqualTo("default");
        assertThat(p.get("parent_id").asString()).isEqualTo("default");
        assertThat(p.get("is_domain").asBoolean()).isFalse();
        assertThat(p.get("enabled").asBoolean()).isTrue();
        assertThat(p.get("tags")).isEmpty();
        assertThat(p.get("links").get("self").asString())
                .isEqualTo("http://127.0.0.1:" + port + "/identity/v3/projects/" + projectId);

        Response user = post(V3 + "/users", admin, "{\"user\":{\"name\":\"carol\",\"password\":\"carol-secret\","
                + "\"default_project_id\":\"" + projectId + "\",\"enabled\":true}}");
        assertThat(user.status()).isEqualTo(201);
        JsonNode u = user.json().get("user");
        String userId = u.get("id").asString();
        assertThat(u.get("default_project_id").asString()).isEqualTo(projectId);
        assertThat(u.get("domain_id").asString()).isEqualTo("default");
        assertThat(u.has("password")).isFalse();
        assertThat(u.has("password_expires_at")).isTrue();
        assertThat(count("select count(*) from users where password_hash like '$2%' and id = ?", userId)).isOne();

        // no role yet: no project-scoped token
        assertThat(post("/identity/v3/auth/tokens", null, authBody("{\"name\":\"carol\",\"password\":\"PW\"}",
                "carol-secret", "{\"name\":\"gamma\"}")).status()).isEqualTo(401);

        Response grant = send("PUT", V3 + "/projects/" + projectId + "/users/" + userId + "/roles/member", admin, null);
        assertThat(grant.status()).isEqualTo(204);
        assertThat(get(V3 + "/projects/" + projectId + "/users/" + userId + "/roles/member", admin).status())
                .isEqualTo(204);

        String carol = token("carol", "carol-secret", "gamma");
        assertThat(get("/v1.0/" + projectId + "/instances", carol).status()).isEqualTo(200);

        JsonNode assignments = get(V3 + "/role_assignments?user.id=" + userId + "&include_names=True", admin)
                .json().get("role_assignments");
        assertThat(assignments).hasSize(1);
        assertThat(assignments.get(0).get("role").get("name").asString()).isEqualTo("member");
        assertThat(assignments.get(0).get("scope").get("project").get("name").asString()).isEqualTo("gamma");
        assertThat(assignments.get(0).get("scope").get("project").get("domain").get("name").asString())
                .isEqualTo("Default");
        assertThat(assignments.get(0).get("user").get("domain").get("name").asString()).isEqualTo("Default");

        Response revoke = send("DELETE", V3 + "/projects/" + projectId + "/users/" + userId + "/roles/member",
                admin, null);
        assertThat(revoke.status()).isEqualTo(204);
        // roles are checked on every use: without a role left on the project, the token is dead
        assertThat(get("/v1.0/" + projectId + "/instances", carol).status()).isEqualTo(401);
        assertThat(send("DELETE", V3 + "/projects/" + projectId + "/users/" + userId + "/roles/member", admin, null)
                .status()).isEqualTo(404);
    }

    @Test
    void namesResolveTheWayOpenstackclientLooksThemUp() {
        String admin = admin();
        // osc-lib tries GET /projects/<name> first and needs a 404 (in Keystone's shape) to fall back to ?name=
        Response byName = get(V3 + "/projects/alpha", admin);
        assertThat(byName.status()).isEqualTo(404);
        assertThat(byName.header("Content-Type")).startsWith("application/json");
        assertThat(byName.json().get("error").get("title").asString()).isEqualTo("Not Found");
        assertThat(byName.json().get("error").get("message").asString()).isEqualTo("Could not find project: alpha.");

        JsonNode list = get(V3 + "/projects?name=alpha&domain_id=default", admin).json();
        assertThat(list.get("projects")).hasSize(1);
        assertThat(list.get("projects").get(0).get("id").asString()).isEqualTo(alphaProject);
        assertThat(list.get("links").get("self").asString()).endsWith("/identity/v3/projects?name=alpha&domain_id=default");
        assertThat(list.get("links").has("next")).isTrue();
        assertThat(list.get("links").get("next").isNull()).isTrue();
        assertThat(get(V3 + "/projects?name=nope", admin).json().get("projects")).isEmpty();

        assertThat(get(V3 + "/users?name=alice", admin).json().get("users").get(0).get("id").asString())
                .isEqualTo("u-alice");
        assertThat(get(V3 + "/users/u-alice", admin).json().get("user").get("name").asString()).isEqualTo("alice");
        assertThat(get(V3 + "/users/alice", admin).status()).isEqualTo(404);

        JsonNode roles = get(V3 + "/roles", admin).json().get("roles");
        List<String> names = new ArrayList<>();
        roles.forEach(r -> names.add(r.get("name").asString()));
        assertThat(names).contains("admin", "member");
        JsonNode member = get(V3 + "/roles?name=member", admin).json().get("roles");
        assertThat(member).hasSize(1);
        assertThat(member.get(0).has("domain_id")).isTrue();
        assertThat(member.get(0).get("domain_id").isNull()).isTrue();
        assertThat(get(V3 + "/roles/admin", admin).json().get("role").get("name").asString()).isEqualTo("admin");

        JsonNode domain = get(V3 + "/domains/default", admin).json().get("domain");
        assertThat(domain.get("name").asString()).isEqualTo("Default");
        assertThat(domain.get("enabled").asBoolean()).isTrue();
        assertThat(get(V3 + "/domains/Default", admin).status()).isEqualTo(404);
        assertThat(get(V3 + "/domains?name=Default", admin).json().get("domains").get(0).get("id").asString())
                .isEqualTo("default");
    }

    @Test
    void updatesAndDeletes() {
        String admin = admin();
        String projectId = post(V3 + "/projects", admin, "{\"project\":{\"name\":\"delta\"}}")
                .json().get("project").get("id").asString();
        Response renamed = send("PATCH", V3 + "/projects/" + projectId, admin,
                "{\"project\":{\"name\":\"delta2\",\"description\":\"d\"}}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().get("project").get("name").asString()).isEqualTo("delta2");

        String userId = post(V3 + "/users", admin, "{\"user\":{\"name\":\"dave\",\"password\":\"one\"}}")
                .json().get("user").get("id").asString();
        send("PUT", V3 + "/projects/" + projectId + "/users/" + userId + "/roles/member", admin, null);
        assertThat(send("PATCH", V3 + "/users/" + userId, admin, "{\"user\":{\"password\":\"two\"}}").status())
                .isEqualTo(200);
        assertThat(token("dave", "two", "delta2")).isNotBlank();

        assertThat(send("DELETE", V3 + "/users/" + userId, admin, null).status()).isEqualTo(204);
        assertThat(get(V3 + "/users/" + userId, admin).status()).isEqualTo(404);
        assertThat(send("DELETE", V3 + "/projects/" + projectId, admin, null).status()).isEqualTo(204);
        assertThat(get(V3 + "/projects/" + projectId, admin).status()).isEqualTo(404);
        assertThat(send("DELETE", V3 + "/projects/" + projectId, admin, null).status()).isEqualTo(404);
    }

    @Test
    void duplicateNamesAreKeystone409() {
        String admin = admin();
        Response project = post(V3 + "/projects", admin, "{\"project\":{\"name\":\"alpha\"}}");
        assertThat(project.status()).isEqualTo(409);
        assertThat(project.json().get("error").get("title").asString()).isEqualTo("Conflict");
        assertThat(post(V3 + "/users", admin, "{\"user\":{\"name\":\"alice\",\"password\":\"x\"}}").status())
                .isEqualTo(409);
        Response bad = post(V3 + "/projects", admin, "{\"project\":{\"name\":\"\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").get("code").asInt()).isEqualTo(400);
    }

    @Test
    void aProjectWithLiveInstancesCannotBeDeleted() {
        String admin = admin();
        String projectId = post(V3 + "/projects", admin, "{\"project\":{\"name\":\"epsilon\"}}")
                .json().get("project").get("id").asString();
        jdbc.sql("""
                insert into instances (id, project_id, name, flavor_id, datastore_version_id, task_status,
                                       server_status, password)
                values (gen_random_uuid(), :p, 'cache', 1, cast(:v as uuid), 'NONE', 'ACTIVE', 'pw')""")
                .param("p", projectId).param("v", VERSION_ID).update();

        Response refused = send("DELETE", V3 + "/projects/" + projectId, admin, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error").get("message").asString())
                .contains("epsilon").contains("still has 1 instance(s)");
        assertThat(get(V3 + "/projects/" + projectId, admin).status()).isEqualTo(200);

        jdbc.sql("update instances set deleted = true, deleted_at = now() where project_id = :p")
                .param("p", projectId).update();
        assertThat(send("DELETE", V3 + "/projects/" + projectId, admin, null).status()).isEqualTo(204);
    }

    @Test
    void onlyAdminsMayAdministerIdentity() {
        String alice = alice();
        for (String[] call : new String[][] {
            {"GET", V3 + "/projects", null},
            {"GET", V3 + "/users", null},
            {"GET", V3 + "/roles", null},
            {"GET", V3 + "/domains", null},
            {"GET", V3 + "/role_assignments", null},
            {"POST", V3 + "/projects", "{\"project\":{\"name\":\"mine\"}}"},
            {"POST", V3 + "/users", "{\"user\":{\"name\":\"mallory\",\"password\":\"x\"}}"},
            {"PUT", V3 + "/projects/" + alphaProject + "/users/u-alice/roles/admin", null},
            {"DELETE", V3 + "/projects/" + betaProject, null},
        }) {
            Response r = send(call[0], call[1], alice, call[2]);
            assertThat(r.status()).as(call[0] + " " + call[1]).isEqualTo(403);
            assertThat(r.json().get("error").get("code").asInt()).isEqualTo(403);
            assertThat(r.json().get("error").get("title").asString()).isEqualTo("Forbidden");
            assertThat(r.json().get("error").get("message").asString()).isNotBlank();
        }
        // what openstack project list falls back to: a user may list their own projects, nobody else's
        JsonNode own = get(V3 + "/users/u-alice/projects", alice).json().get("projects");
        assertThat(own).hasSize(1);
        assertThat(own.get(0).get("name").asString()).isEqualTo("alpha");
        assertThat(get(V3 + "/users/u-bob/projects", alice).status()).isEqualTo(403);

        assertThat(count("select count(*) from role_assignments where user_id = 'u-alice' and role_id = 'admin'"))
                .isZero();
        assertThat(count("select count(*) from projects where name = 'mine'")).isZero();

        Response anonymous = get(V3 + "/projects", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("error").get("title").asString()).isEqualTo("Unauthorized");
        assertThat(get(V3 + "/projects", "bogus").status()).isEqualTo(401);
    }

    @Test
    void adminsListEveryProjectsInstancesWithTenantIdAndMembersOnlyTheirOwn() {
        String alice = alice();
        String bob = bob();
        String mine = post("/v1.0/" + alphaProject + "/instances", alice,
                "{\"instance\":{\"name\":\"a1\",\"flavorRef\":1,\"volume\":{\"size\":1}}}").json()
                .get("instance").get("id").asString();
        String theirs = post("/v1.0/" + betaProject + "/instances", bob,
                "{\"instance\":{\"name\":\"b1\",\"flavorRef\":1,\"volume\":{\"size\":1}}}").json()
                .get("instance").get("id").asString();

        JsonNode all = get("/v1.0/" + adminProject + "/instances", admin()).json().get("instances");
        assertThat(all).hasSize(2);
        List<String> tenants = new ArrayList<>();
        all.forEach(i -> tenants.add(i.get("tenant_id").asString()));
        assertThat(tenants).containsExactlyInAnyOrder(alphaProject, betaProject);

        JsonNode own = get("/v1.0/" + alphaProject + "/instances", alice).json().get("instances");
        assertThat(own).hasSize(1);
        assertThat(own.get(0).get("id").asString()).isEqualTo(mine);
        assertThat(own.get(0).has("tenant_id")).isFalse();
        assertThat(get("/v1.0/" + alphaProject + "/instances/" + theirs, alice).status()).isEqualTo(404);
    }
}
