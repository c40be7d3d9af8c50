package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * What the end-to-end tests of sets look at, as a tenant would: an instance's view and jobs through
 * the API, its Redis with the set's password, and the check every such test ends with: the API's
 * topology matches every member's real role.
 */
public final class SetProbe {

    private final TroveHttp trove;

    public SetProbe(TroveHttp trove) {
        this.trove = trove;
    }

    /** The instance's detail view, or null once it is gone. */
    public JsonNode view(String id) {
        try {
            var reply = trove.trove("GET", "/instances/" + id, null);
            return reply.status() == 200 ? reply.json().get("instance") : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public int port(String id) {
        return view(id).get("port").asInt();
    }

    public String password(String id) throws Exception {
        return trove.trove("GET", "/instances/" + id + "/password", null).json().get("password").asString();
    }

    /** A connection with the set's password: what the tenant may do. */
    public Jedis tenant(String id) throws Exception {
        Jedis jedis = new Jedis("127.0.0.1", port(id), 2000);
        jedis.auth(password(id));
        return jedis;
    }

    /**
     * SET, retried while the master refuses it with NOREPLICAS: a fenced master that has just got
     * its replica back (or woken from a stop) takes writes again once Redis, which recounts its good
     * replicas once a second, or its agent's self-fence has seen the replica.
     */
    public static void setWhenTaken(Jedis master, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                master.set(key, value);
                return;
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("NOREPLICAS") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** INFO replication, as fields. */
    public Map<String, String> info(String id) throws Exception {
        try (Jedis redis = tenant(id)) {
            Map<String, String> fields = new HashMap<>();
            for (String line : redis.info("replication").split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            return fields;
        }
    }

    /** The role Redis reports, or "unreachable". */
    public String role(String id) {
        try {
            return info(id).get("role");
        } catch (Exception e) {
            return "unreachable";
        }
    }

    public List<JsonNode> jobs(String id, String kind) throws Exception {
        List<JsonNode> jobs = new ArrayList<>();
        for (JsonNode job : trove.trove("GET", "/instances/" + id + "/jobs", null).json().get("jobs")) {
            if (kind.equals(job.get("kind").asString())) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    /** The newest job of that kind once it has finished. */
    public JsonNode awaitJob(String id, String kind, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            List<JsonNode> jobs = jobs(id, kind);
            last = jobs.isEmpty() ? null : jobs.get(0);
            if (last != null && !last.get("state").asString().matches("QUEUED|RUNNING")) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the " + kind + " job of " + id + " did not finish: " + last);
    }

    public void awaitValue(String id, String key, String value, Duration timeout) throws Exception {
        awaitValue(id, () -> tenant(id), key, value, timeout);
    }

    /** The same through {@code connect}: a test whose Redis is reached at another address. */
    public static void awaitValue(String id, java.util.concurrent.Callable<Jedis> connect, String key, String value,
                                  Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try (Jedis redis = connect.call()) {
                last = redis.get(key);
                if (value.equals(last)) {
                    return;
                }
            } catch (RuntimeException e) {
                // loading, or restarting
            }
            Thread.sleep(100);
        }
        throw new AssertionError(id + ": " + key + " is " + last + ", not " + value);
    }

    /** Waits until the instance is a {@code role} (with its link up to that port, for a replica). */
    public void awaitRole(String id, String role, int masterPort, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> last = Map.of();
        while (System.nanoTime() < deadline) {
            try {
                last = info(id);
                if (role.equals(last.get("role")) && String.valueOf(masterPort).equals(last.get("master_port"))
                        && "up".equals(last.get("master_link_status"))) {
                    return;
                }
            } catch (RuntimeException e) {
                // restarting
            }
            Thread.sleep(100);
        }
        throw new AssertionError(id + " is not a linked " + role + " of port " + masterPort + ": " + last);
    }

    /**
     * Exactly one of the members is a master, every other follows the member the API names with
     * its link up, every one is ACTIVE, and (when given) the key is on all of them.
     */
    public void assertApiMatchesRedis(List<String> members, String key, String value, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try {
                int masters = 0;
                for (String id : members) {
                    JsonNode view = view(id);
                    Map<String, String> info = info(id);
                    if ("master".equals(info.get("role"))) {
                        masters++;
                        assertThat(view.has("replica_of")).as(id + " is a master in Redis and in the API").isFalse();
                    } else {
                        String upstream = view.get("replica_of").get("id").asString();
                        assertThat(info.get("master_port")).as(id + " follows " + upstream)
                                .isEqualTo(String.valueOf(port(upstream)));
                        assertThat(info.get("master_link_status")).isEqualTo("up");
                    }
                    assertThat(view.get("status").asString()).as(id).isEqualTo("ACTIVE");
                    if (key != null) {
                        try (Jedis redis = tenant(id)) {
                            assertThat(redis.get(key)).as(key + " on " + id).isEqualTo(value);
                        }
                    }
                }
                assertThat(masters).as("masters among " + members).isEqualTo(1);
                return;
            } catch (AssertionError | RuntimeException e) {
                last = e instanceof AssertionError a ? a : new AssertionError(e);
                Thread.sleep(200);
            }
        }
        throw last;
    }
}
