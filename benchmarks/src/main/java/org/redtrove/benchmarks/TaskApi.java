package org.redtrove.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * Instances and replication tasks as a tenant handles them through the Trove API, for the tasks
 * part: create, attach, define and delete, wait until a task flows, and read what it says of
 * itself (its info and hourly diagnostics).
 */
final class TaskApi {

    /** An instance and how to reach it with the tenant's password. */
    record Instance(String id, int port, String password) {

        Jedis connect() {
            return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
                    .password(password).socketTimeoutMillis(30_000).build());
        }
    }

    private final TroveApi api;

    TaskApi(TroveApi api) {
        this.api = api;
    }

    Instance create(String name, int flavor) throws Exception {
        JsonNode created = api.create("{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":" + flavor + "}}");
        String id = created.get("id").asString();
        api.awaitActive(Duration.ofSeconds(120), Duration.ofMillis(200), id);
        return new Instance(id, api.show(id).get("port").asInt(), created.get("password").asString());
    }

    Instance attachReplica(Instance master, String name) throws Exception {
        String id = api.create("{\"instance\":{\"name\":\"" + name + "\",\"replica_of\":\"" + master.id() + "\"}}")
                .get("id").asString();
        api.awaitActive(Duration.ofSeconds(120), Duration.ofMillis(200), id);
        return new Instance(id, api.show(id).get("port").asInt(), master.password());
    }

    void delete(Instance instance) throws Exception {
        api.call("DELETE", "/instances/" + instance.id(), null);
    }

    void createTask(String name, String body) throws Exception {
        TroveApi.Reply r = api.call("POST", "/replications/" + name, body);
        if (r.status() != 200) {
            throw new IllegalStateException("task " + name + " refused: " + r.status() + " " + r.body());
        }
    }

    /** {@code GET /replications/{name}}: info, settings, diagnostics. */
    JsonNode task(String name) throws Exception {
        TroveApi.Reply r = api.call("GET", "/replications/" + name, null);
        if (r.status() != 200) {
            throw new IllegalStateException("task " + name + ": " + r.status() + " " + r.body());
        }
        return r.body();
    }

    void deleteTask(String name) throws Exception {
        api.call("DELETE", "/replications/" + name, null);
    }

    /**
     * Waits until the task is active and a probe written after that reached the target: a task
     * replicates only writes made after it first ran, so a load must not start before.
     */
    void awaitFlowing(String task, Jedis source, Jedis target) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!task(task).get("info").get("is_active").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("task " + task + " never became active: " + task(task));
            }
            Thread.sleep(100);
        }
        String probe = "probe:" + task;
        long nextWrite = 0;
        while (!target.exists(probe)) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("task " + task + " never delivered its probe: " + task(task));
            }
            if (now >= nextWrite) {
                source.hset(probe, "engine_status", "working"); // passes an include of engine_status=working
                nextWrite = now + 2_000_000_000L;
            }
            Thread.sleep(20);
        }
    }

    /** What a task says of itself, for the JSON, beside what its target shows. */
    static Map<String, Object> figures(JsonNode shown) {
        JsonNode info = shown.get("info");
        JsonNode hourly = shown.get("diagnostics").get("hourly");
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("pendingRecords", info.get("pending_records").asLong());
        t.put("bytesBehind", info.get("bytes_behind").asLong());
        t.put("lastBatchLagMs", info.get("last_batch_lag_ms").asLong());
        t.put("lastError", text(info.get("last_error")));
        t.put("hourlyOk", hourly.get("ok").asLong());
        t.put("hourlyErrored", hourly.get("errored").asLong());
        t.put("hourlyErrors", hourly.get("errors"));
        return t;
    }

    /** The hourly errors as "CODE count, …", or "none". */
    static String errors(JsonNode shown) {
        JsonNode errors = shown.get("diagnostics").get("hourly").get("errors");
        if (errors == null || errors.isEmpty()) {
            return "none";
        }
        List<String> codes = new ArrayList<>();
        errors.properties().forEach(e -> codes.add(e.getKey() + " " + e.getValue().get("count").asLong()));
        return String.join(", ", codes);
    }

    static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asString();
    }
}
