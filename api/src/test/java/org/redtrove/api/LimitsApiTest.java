package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Trove's limits: one ABSOLUTE entry with the project's real quotas, then rate limits that are
 * enforced per user, with Trove's 413 overLimit fault and Retry-After. The limits here are low so
 * that a handful of requests reaches them; each POST fills the bucket for 20 s, far more than the
 * test takes.
 */
@TestPropertySource(properties = {"redtrove.rate-limit.post=3", "redtrove.rate-limit.get=50",
        "redtrove.rate-limit.put=0"})
class LimitsApiTest extends ApiTestSupport {

    private Map<String, JsonNode> byVerb(JsonNode limits) {
        Map<String, JsonNode> verbs = new HashMap<>();
        limits.forEach(l -> verbs.put(l.get("verb").asString(), l));
        return verbs;
    }

    @Test
    void absoluteLimitsAreTheProjectsQuotasAndRateLimitsAreListed() {
        jdbc.sql("delete from quotas").update();
        String alice = alice();
        Response r = get("/v1.0/" + alphaProject + "/limits", alice);
        assertThat(r.status()).isEqualTo(200);
        JsonNode limits = r.json().get("limits");
        JsonNode absolute = limits.get(0);
        assertThat(absolute.get("verb").asString()).isEqualTo("ABSOLUTE");
        assertThat(absolute.get("max_instances").asInt()).isEqualTo(10);
        assertThat(absolute.get("max_volumes").asInt()).isEqualTo(40);
        assertThat(absolute.get("max_backups").asInt()).isEqualTo(50);
        assertThat(absolute.get("max_ram").asInt()).isEqualTo(-1);
        assertThat(limits).hasSize(4); // ABSOLUTE, POST, DELETE, GET: PUT is off here
        Map<String, JsonNode> verbs = byVerb(limits);
        assertThat(verbs).containsOnlyKeys("ABSOLUTE", "POST", "DELETE", "GET");
        JsonNode get = verbs.get("GET");
        assertThat(get.get("value").asInt()).isEqualTo(50);
        assertThat(get.get("unit").asString()).isEqualTo("MINUTE");
        assertThat(get.get("uri").asString()).isEqualTo("*");
        assertThat(get.get("regex").asString()).isEqualTo(".*");
        assertThat(get.get("remaining").asInt()).isLessThan(50); // this request counted
        assertThat(get.get("nextAvailable").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

        String admin = token("admin", "admin-secret", "admin");
        send("PUT", "/v1.0/" + adminProject + "/mgmt/quotas/" + alphaProject, admin,
                "{\"quotas\":{\"instances\":3,\"ram\":2048}}");
        JsonNode updated = get("/v1.0/" + alphaProject + "/limits", alice).json().get("limits").get(0);
        assertThat(updated.get("max_instances").asInt()).isEqualTo(3);
        assertThat(updated.get("max_ram").asInt()).isEqualTo(2048);
        userWithRole("rita", "rita-secret", "alpha", "reader");
        assertThat(get("/v1.0/" + alphaProject + "/limits", token("rita", "rita-secret", "alpha")).status())
                .isEqualTo(200);
    }

    @Test
    void aUserOverARateLimitGetsTroves413WithRetryAfterAndOthersDoNot() {
        String alice = alice();
        String base = "/v1.0/" + alphaProject + "/instances";
        for (int i = 0; i < 3; i++) {
            assertThat(post(base, alice, "{\"instance\":{\"name\":\"r" + i + "\",\"flavorRef\":1}}").status())
                    .as("request " + i).isEqualTo(200);
        }
        Response limited = post(base, alice, "{\"instance\":{\"name\":\"r3\",\"flavorRef\":1}}");
        assertThat(limited.status()).isEqualTo(413);
        JsonNode fault = limited.json().get("overLimit");
        assertThat(fault.get("code").asInt()).isEqualTo(413);
        assertThat(fault.get("message").asString()).isEqualTo("This request was rate-limited.");
        assertThat(fault.get("details").asString()).isEqualTo("Only 3 POST request(s) can be made to * every minute.");
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertThat(retryAfter).isPositive().isLessThanOrEqualTo(20);
        assertThat(fault.get("retryAfter").asString()).isEqualTo(limited.header("Retry-After"));
        assertThat(count("select count(*) from instances")).isEqualTo(3);

        // per user: bob is not held back by alice's requests, and alice may still read
        assertThat(post("/v1.0/" + betaProject + "/instances", bob(),
                "{\"instance\":{\"name\":\"b\",\"flavorRef\":1}}").status()).isEqualTo(200);
        JsonNode post = byVerb(get("/v1.0/" + alphaProject + "/limits", alice).json().get("limits")).get("POST");
        assertThat(post.get("remaining").asInt()).isZero();
        assertThat(post.get("value").asInt()).isEqualTo(3);
    }
}
