package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The admin host routes: listing what runs where, and draining, which queues the switchover of each
 * master on the host and reports the ones it could not hand over. (DrainHostTest runs a drain to
 * its end on real hosts.)
 */
class HostsApiTest extends ApiTestSupport {

    private String admin;
    private String alice;
    private String hosts;

    @BeforeEach
    void hostsAndLogins() {
        jdbc.sql("update instances set deleted = true").update();
        jdbc.sql("update hosts set draining_since = null").update();
        for (String host : new String[] {"host-a", "host-b"}) {
            jdbc.sql("""
                    insert into hosts (id, name, address, registered_at, last_heartbeat_at)
                    values (?, ?, '127.0.0.1', now(), now()) on conflict (id) do nothing""")
                    .params(host, host + "-name").update();
        }
        admin = token("admin", "admin-secret", "admin");
        alice = alice();
        hosts = "/v1.0/" + adminProject + "/mgmt/hosts";
    }

    private String createOn(String host, String body) {
        Response r = post("/v1.0/" + alphaProject + "/instances", alice, body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        String id = r.json().get("instance").get("id").asString();
        activate(id);
        jdbc.sql("update instances set host_id = ? where id = cast(? as uuid)").params(host, id).update();
        return id;
    }

    private JsonNode host(String id) {
        Response r = get(hosts + "/" + id, admin);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        return r.json().get("host");
    }

    @Test
    void drainQueuesTheHandoverOfEachMasterAndReportsWhatItCouldNotDo() {
        String master = createOn("host-a", "{\"instance\":{\"name\":\"m\",\"flavorRef\":1}}");
        String lonely = createOn("host-a", "{\"instance\":{\"name\":\"lonely\",\"flavorRef\":1}}");
        String replica = createOn("host-b", "{\"instance\":{\"name\":\"r\",\"replica_of\":\"" + master + "\"}}");
        activate(master); // as the attach job leaves it
        JsonNode a = host("host-a-name");
        assertThat(a.get("id").asString()).as("found by name too").isEqualTo("host-a");
        assertThat(a.get("masters").asInt()).isEqualTo(1);
        assertThat(a.get("standalone").asInt()).isEqualTo(1);
        assertThat(a.get("instances").size()).isEqualTo(2);
        assertThat(host("host-b").get("replicas").asInt()).isEqualTo(1);

        Response drain = post(hosts + "/host-a/action", admin, "{\"drain\":{}}");
        assertThat(drain.status()).as(drain.raw().body()).isEqualTo(202);
        assertThat(drain.json().get("host").get("draining").asBoolean()).isTrue();
        JsonNode handovers = drain.json().get("handovers");
        assertThat(handovers.size()).as("only masters with replicas are handed over").isEqualTo(1);
        assertThat(handovers.get(0).get("instance").asString()).isEqualTo(master);
        assertThat(handovers.get(0).get("replica").asString()).isEqualTo(replica);
        assertThat(handovers.get(0).get("skipped").isNull()).isTrue();
        assertThat(count("select count(*) from jobs where kind = 'PROMOTE' and instance_id = cast(? as uuid)", replica))
                .isOne();
        assertThat(instanceRow(master).get("task_status")).isEqualTo("PROMOTING");

        // while the switchover is queued, draining again reports the set as busy and queues nothing
        Response again = post(hosts + "/host-a/action", admin, "{\"drain\":{}}");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("handovers").get(0).get("skipped").asString())
                .contains("not currently available");
        assertThat(count("select count(*) from jobs where kind = 'PROMOTE'")).isOne();
        assertThat(lonely).isNotNull();

        // a master whose only replica is on a drained host has nobody to hand over to
        jdbc.sql("update instances set task_status = 'NONE'").update();
        assertThat(post(hosts + "/host-b/action", admin, "{\"drain\":{}}").status()).isEqualTo(202);
        Response stuck = post(hosts + "/host-a/action", admin, "{\"drain\":{}}");
        assertThat(stuck.json().get("handovers").get(0).get("skipped").asString())
                .contains("no ACTIVE replica on a host that is not being drained");

        Response resume = post(hosts + "/host-a/action", admin, "{\"resume\":{}}");
        assertThat(resume.status()).isEqualTo(200);
        assertThat(resume.json().get("host").get("draining").asBoolean()).isFalse();
    }

    @Test
    void onlyAdminsMaySeeOrDrainHostsAndBadBodiesAreRefused() {
        String mine = "/v1.0/" + alphaProject + "/mgmt/hosts";
        Response list = get(mine, alice);
        assertThat(list.status()).isEqualTo(403);
        assertThat(list.json().get("forbidden").get("message").asString())
                .isEqualTo("Policy doesn't allow mgmt:host:index to be performed.");
        Response drain = post(mine + "/host-a/action", alice, "{\"drain\":{}}");
        assertThat(drain.json().get("forbidden").get("message").asString())
                .isEqualTo("Policy doesn't allow mgmt:host:action to be performed.");
        assertThat(count("select count(*) from hosts where draining_since is not null")).isZero();

        assertThat(post(hosts + "/host-a/action", admin, "{\"evacuate\":{}}").status()).isEqualTo(400);
        assertThat(post(hosts + "/host-a/action", admin, "[]").status()).isEqualTo(400);
        assertThat(post(hosts + "/host-a/action", admin, "{\"drain\":{},\"resume\":{}}").status()).isEqualTo(400);
        Response missing = post(hosts + "/nowhere/action", admin, "{\"drain\":{}}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("itemNotFound").get("message").asString()).contains("nowhere");
        java.util.List<String> listed = new java.util.ArrayList<>();
        get(hosts, admin).json().get("hosts").forEach(h -> listed.add(h.get("id").asString()));
        assertThat(listed).contains("host-a", "host-b");
    }
}
