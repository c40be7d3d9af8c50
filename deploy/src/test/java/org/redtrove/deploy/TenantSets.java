package org.redtrove.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds instances and replica sets through the API, as a tenant does, and waits until they are
 * ACTIVE: the start of every crash scenario (CrashAtCommitPointsIT, the chaos run).
 */
public final class TenantSets {

    private final TroveHttp trove;
    private final Duration timeout;

    public TenantSets(TroveHttp trove, Duration timeout) {
        this.trove = trove;
        this.timeout = timeout;
    }

    /** A new standalone instance, once ACTIVE; answers its id. */
    public String createActive(String name) throws Exception {
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":\"1\"}}");
        if (reply.status() != 200) {
            throw new AssertionError("create " + name + ": " + reply.status() + " " + reply.body());
        }
        String id = reply.json().get("instance").get("id").asString();
        trove.awaitStatus(id, timeout, "ACTIVE");
        return id;
    }

    /** A new standalone instance, once ACTIVE, with {@code key} set to {@code value}; answers its id. */
    public String createActiveWith(String name, String key, String value) throws Exception {
        String id = createActive(name);
        try (redis.clients.jedis.Jedis redis = new SetProbe(trove).tenant(id)) {
            redis.set(key, value);
        }
        return id;
    }

    /** Asks for {@code count} replicas of {@code master}; answers the ids of all its replicas. */
    public List<String> requestReplicas(String master, String name, int count) throws Exception {
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"" + name + "\",\"replica_of\":\""
                + master + "\",\"replica_count\":" + count + "}}");
        if (reply.status() != 200) {
            throw new AssertionError("replicas of " + master + ": " + reply.status() + " " + reply.body());
        }
        List<String> ids = new ArrayList<>();
        new SetProbe(trove).view(master).get("replicas").forEach(r -> ids.add(r.get("id").asString()));
        return ids;
    }

    /** {@code count} replicas of {@code master}, once all are ACTIVE. */
    public List<String> createReplicas(String master, String name, int count) throws Exception {
        List<String> ids = requestReplicas(master, name, count);
        for (String id : ids) {
            trove.awaitStatus(id, timeout, "ACTIVE");
        }
        return ids;
    }
}
