package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import org.redtrove.guestagent.redis.RedisBinary;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import tools.jackson.databind.JsonNode;

/**
 * Manual copies ({@code POST /copies}, what {@code redtrove cp} sends) through the api, the
 * taskmanager and the source's guest agent, on real redis-servers: every type arrives with its TTL,
 * a re-run skips what exists and says so, each filter keeps exactly what it names, and bad input is
 * refused in one line with nothing written to the target.
 */
class CopyTest {

    private static final Duration BUILD = Duration.ofSeconds(90);
    private static final Duration DONE = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;

    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;
    static TenantSets sets;
    static String src;
    static String dst;

    private final List<Process> outside = new ArrayList<>();

    @BeforeAll
    static void startStack() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19700-19799"));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        sets = new TenantSets(trove, BUILD);
        src = sets.createActive("copy-src");
        dst = sets.createActive("copy-dst");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        try (Jedis s = probe.tenant(src); Jedis d = probe.tenant(dst)) {
            s.flushAll();
            d.flushAll();
        }
        for (Process p : outside) {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void everyTypeArrivesWithItsTtlAndARerunSkipsWhatExists() throws Exception {
        byte[] binaryKey = {'b', 0, (byte) 0xff, 'k'};
        try (Jedis s = probe.tenant(src)) {
            s.set("str", "value");
            s.set("str-ttl", "expires", SetParams.setParams().ex(1000));
            s.rpush("list", "a", "b", "c");
            s.sadd("set", "x", "y");
            s.zadd("zset", Map.of("one", 1.0, "two", 2.0));
            s.hset("hash", Map.of("f", "v", "g", "w"));
            s.pexpire("hash", 500_000);
            s.xadd("stream", new StreamEntryID(1000, 0), Map.of("t", "1"));
            s.xadd("stream", new StreamEntryID(2000, 0), Map.of("t", "2"));
            s.xgroupCreate("stream", "readers", new StreamEntryID(1000, 0), false);
            s.set(binaryKey, new byte[] {0, 1, 2, (byte) 0xfe});
            s.select(1);
            s.set("other-db", "not copied from db 0");
        }
        JsonNode copy = awaitCopy(start("{\"source\": \"copy-src\", \"target\": \"%s\"}".formatted(dst)));
        assertThat(copy.get("state").asString()).as(copy.toString()).isEqualTo("SUCCEEDED");
        assertThat(copy.get("progress").get("copied").asLong()).isEqualTo(8);
        assertThat(copy.get("progress").get("skipped").asLong()).isZero();
        assertThat(copy.get("summary").asString()).startsWith("Copied 8 keys (skipped 0, failed 0) in ");
        try (Jedis s = probe.tenant(src); Jedis d = probe.tenant(dst)) {
            assertThat(keys(d)).containsExactlyInAnyOrderElementsOf(keys(s));
            for (String key : keys(s)) {
                assertThat(value(d, key)).as("the value of " + key).isEqualTo(value(s, key));
            }
            assertThat(d.dump(binaryKey)).isEqualTo(s.dump(binaryKey));
            assertThat(d.pttl("str")).isEqualTo(-1);
            assertThat(d.pttl("str-ttl")).isBetween(990_000L, 1_000_000L);
            assertThat(d.pttl("hash")).isBetween(490_000L, 500_000L);
            assertThat(d.xinfoGroups("stream")).hasSize(1); // whole streams keep their consumer groups
            d.select(1);
            assertThat(d.dbSize()).isZero();
            d.select(0);

            // A re-run writes nothing and counts every key as skipped; one changed on the target stays changed.
            d.set("str", "changed on the target");
            JsonNode again = awaitCopy(start("{\"source\": \"%s\", \"target\": \"copy-dst\"}".formatted(src)));
            assertThat(again.get("summary").asString()).startsWith("Copied 0 keys (skipped 8, failed 0)");
            assertThat(d.get("str")).isEqualTo("changed on the target");

            JsonNode replaced = awaitCopy(start(
                    "{\"source\": \"copy-src\", \"target\": \"copy-dst\", \"replace\": true, \"entries\": [\"str\"]}"));
            assertThat(replaced.get("summary").asString()).startsWith("Copied 1 keys (skipped 0, failed 0)");
            assertThat(d.get("str")).isEqualTo("value");
            assertThat(d.exists(("redtrove:copy:" + copy.get("id").asString()).getBytes(StandardCharsets.UTF_8)))
                    .as("a finished copy's marker stays an hour, so asking again reports it").isTrue();
            assertThat(d.pttl("redtrove:copy:" + copy.get("id").asString())).isPositive();
        }
        // The copies of the project, newest first.
        JsonNode list = trove.trove("GET", "/copies", null).json().get("copies");
        assertThat(list.size()).isGreaterThanOrEqualTo(3);
        assertThat(list.get(0).get("filters").get("replace").asBoolean()).isTrue();
    }

    @Test
    void eachFilterKeepsExactlyWhatItNames() throws Exception {
        try (Jedis s = probe.tenant(src)) {
            for (int i = 0; i < 10; i++) {
                s.set("sensor-" + i + ":name", "n" + i);
                s.hset("engine-" + i, Map.of("status", i % 2 == 0 ? "working" : "idle", "site", "plant"));
                s.xadd("readings-" + (i % 2), new StreamEntryID(1_000L * (i + 1), 0),
                        Map.of("status", i % 3 == 0 ? "bad" : "good", "n", Integer.toString(i)));
            }
            s.set("unrelated", "x");
        }
        // entries: key globs
        JsonNode byKey = awaitCopy(start("""
                {"source": "copy-src", "target": "copy-dst", "entries": ["sensor-[0-4]:*", "unrelated"]}"""));
        assertThat(byKey.get("progress").get("copied").asLong()).isEqualTo(6);
        try (Jedis d = probe.tenant(dst)) {
            assertThat(keys(d)).containsExactlyInAnyOrder("sensor-0:name", "sensor-1:name", "sensor-2:name",
                    "sensor-3:name", "sensor-4:name", "unrelated");
            d.flushAll();
        }
        // include on hashes: the hashes holding status=working; other types carry no labels and stay out
        JsonNode hashes = awaitCopy(start("""
                {"source": "copy-src", "target": "copy-dst", "entries": ["engine-*", "sensor-1:*"],
                 "include": {"status": "working"}}"""));
        assertThat(hashes.get("progress").get("copied").asLong()).isEqualTo(5);
        try (Jedis d = probe.tenant(dst)) {
            assertThat(keys(d)).containsExactlyInAnyOrder("engine-0", "engine-2", "engine-4", "engine-6", "engine-8");
            assertThat(d.hgetAll("engine-4")).isEqualTo(Map.of("status", "working", "site", "plant"));
            d.flushAll();
        }
        // exclude on stream entries, with start/stop on their times: the entries copied, the rest not
        JsonNode streams = awaitCopy(start("""
                {"source": "copy-src", "target": "copy-dst", "entries": ["readings-*"],
                 "exclude": {"status": "bad"}, "start": 2000, "stop": "1970-01-01T00:00:09Z"}"""));
        assertThat(streams.get("progress").get("copied").asLong()).isEqualTo(2);
        try (Jedis d = probe.tenant(dst)) {
            // readings-0 holds i = 0,2,4,6,8 (times 1,3,5,7,9 s); readings-1 holds 1,3,5,7,9 (2,4,6,8,10 s)
            assertThat(ids(d, "readings-0")).containsExactly("3000-0", "5000-0"); // 0 and 6 are bad, 9 s is past stop
            assertThat(ids(d, "readings-1")).containsExactly("2000-0", "6000-0", "8000-0"); // 3 and 9 are bad
            d.flushAll();
        }
        // each_n on stream entries, limit on keys, and another database
        JsonNode thinned = awaitCopy(start("""
                {"source": "copy-src", "target": "copy-dst", "entries": ["readings-0"], "each_n": 2}"""));
        assertThat(thinned.get("progress").get("copied").asLong()).isEqualTo(1);
        try (Jedis d = probe.tenant(dst)) {
            assertThat(ids(d, "readings-0")).containsExactly("1000-0", "5000-0", "9000-0");
            d.flushAll();
        }
        JsonNode limited = awaitCopy(start("""
                {"source": "copy-src", "target": "copy-dst", "entries": ["sensor-*"], "limit": 3}"""));
        assertThat(limited.get("progress").get("copied").asLong()).isEqualTo(3);
        try (Jedis s = probe.tenant(src); Jedis d = probe.tenant(dst)) {
            assertThat(d.dbSize()).isEqualTo(3 + 1); // and the marker
            d.flushAll();
            s.select(3);
            s.set("in-db-3", "three");
        }
        JsonNode db3 = awaitCopy(start("{\"source\": \"copy-src\", \"target\": \"copy-dst\", \"db\": 3}"));
        assertThat(db3.get("progress").get("copied").asLong()).isEqualTo(1);
        try (Jedis d = probe.tenant(dst)) {
            d.select(3);
            assertThat(d.get("in-db-3")).isEqualTo("three");
        }
    }

    @Test
    void aRedisOutsideRedTroveOnEitherSide() throws Exception {
        int port = freePort();
        startRedis(port, "outside-secret");
        try (Jedis o = new Jedis(new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().password("outside-secret").build())) {
            o.aclSetUser("default", "-@scripting"); // a Redis that runs no scripts: pages go as MULTI/EXEC
        }
        try (Jedis s = probe.tenant(src)) {
            s.set("to-outside", "1");
            for (int i = 0; i < 2500; i++) {
                s.set("many:" + i, Integer.toString(i));
            }
        }
        JsonNode out = awaitCopy(start("""
                {"source": "copy-src", "target_url": "redis://127.0.0.1:%d/2", "target_password": "outside-secret"}"""
                .formatted(port)));
        assertThat(out.get("state").asString()).as(out.toString()).isEqualTo("SUCCEEDED");
        assertThat(out.get("progress").get("copied").asLong()).isEqualTo(2501);
        assertThat(out.get("target").asString()).isEqualTo("redis://127.0.0.1:%d/2".formatted(port));
        assertThat(out.toString()).doesNotContain("outside-secret");
        try (Jedis o = new Jedis(new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().password("outside-secret").database(2).build())) {
            assertThat(o.get("to-outside")).isEqualTo("1");
            assertThat(o.get("many:2499")).isEqualTo("2499");
            assertThat(o.dbSize()).isEqualTo(2501 + 1); // and the marker
            o.set("from-outside", "2");
        }
        JsonNode in = awaitCopy(start("""
                {"source_url": "redis://127.0.0.1:%d/2", "source_password": "outside-secret", "target": "copy-dst",
                 "entries": ["from-*"]}""".formatted(port)));
        assertThat(in.get("state").asString()).as(in.toString()).isEqualTo("SUCCEEDED");
        try (Jedis d = probe.tenant(dst)) {
            assertThat(d.get("from-outside")).isEqualTo("2");
        }
    }

    @Test
    void badInputIsRefusedInOneLineAndNothingIsWritten() throws Exception {
        try (Jedis s = probe.tenant(src)) {
            s.set("k", "v");
        }
        refused("{\"copy\": {\"source\": \"no-such\", \"target\": \"copy-dst\"}}", 404,
                "Source instance 'no-such' does not exist");
        refused("{\"copy\": {\"source\": \"copy-src\", \"target\": \"copy-src\"}}", 422,
                "The source and the target are the same instance");
        refused("{\"copy\": {\"source\": \"copy-src\", \"target\": \"copy-dst\", \"entries\": [\"a[bc\"]}}", 400,
                "key pattern 'a[bc' has a '[' that is never closed");
        refused("{\"copy\": {\"source\": \"copy-src\", \"target_url\": \"http://x:1\"}}", 400,
                "target_url 'http://x:1' is not redis://host:port[/db]");
        refused("{\"copy\": {\"source\": \"copy-src\", \"target_url\": \"redis://u:pw@x:1\"}}", 400,
                "target_url 'redis://***@x:1' carries a password");
        refused("{\"copy\": {\"source\": \"copy-src\"}}", 400, "one of 'target' (an instance) or 'target_url'");
        refused("{\"copy\": {\"source\": \"copy-src\", \"target\": \"copy-dst\", \"each_n\": 0}}", 400,
                "each_n 0 is less than the minimum of 1");
        refused("{\"copy\": {\"source\": \"copy-src\", \"target\": \"copy-dst\", \"start\": \"yesterday\"}}", 400,
                "start 'yesterday' is neither ms since the epoch nor an ISO-8601 time");

        int closed = freePort();
        JsonNode unreachable = awaitCopy(start("""
                {"source": "copy-src", "target_url": "redis://127.0.0.1:%d"}""".formatted(closed)));
        assertThat(unreachable.get("state").asString()).isEqualTo("FAILED");
        assertThat(unreachable.get("error").asString())
                .startsWith("Cannot reach the target redis://127.0.0.1:%d: ".formatted(closed))
                .doesNotContain("\n");

        int port = freePort();
        startRedis(port, "right");
        JsonNode wrong = awaitCopy(start("""
                {"source": "copy-src", "target_url": "redis://127.0.0.1:%d", "target_password": "wrong"}"""
                .formatted(port)));
        assertThat(wrong.get("state").asString()).isEqualTo("FAILED");
        assertThat(wrong.get("error").asString()).startsWith(
                "The target redis://127.0.0.1:%d refused the password".formatted(port)).doesNotContain("wrong\"");
        try (Jedis o = new Jedis(new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().password("right").build()); Jedis d = probe.tenant(dst)) {
            assertThat(o.dbSize()).isZero();
            assertThat(d.dbSize()).isZero();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static String start(String copy) throws Exception {
        var reply = trove.trove("POST", "/copies", "{\"copy\": " + copy + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        // the taskmanager may have taken it up by the time the reply is written
        assertThat(reply.json().get("copy").get("state").asString()).isIn("QUEUED", "RUNNING", "SUCCEEDED", "FAILED");
        return reply.json().get("copy").get("id").asString();
    }

    static JsonNode awaitCopy(String id) throws Exception {
        long deadline = System.nanoTime() + DONE.toNanos();
        JsonNode copy = null;
        while (System.nanoTime() < deadline) {
            copy = trove.trove("GET", "/copies/" + id, null).json().get("copy");
            String state = copy.get("state").asString();
            if (state.equals("SUCCEEDED") || state.equals("FAILED")) {
                return copy;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("copy " + id + " did not end within " + DONE + ": " + copy);
    }

    private static void refused(String body, int status, String message) throws Exception {
        var reply = trove.trove("POST", "/copies", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.body()).contains(message);
    }

    /** The keys of database 0 but RedTrove's own copy markers. */
    private static Set<String> keys(Jedis jedis) {
        Set<String> keys = new TreeSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor);
            page.getResult().stream().filter(k -> !k.startsWith("redtrove:copy:")).forEach(keys::add);
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    /** A key's type and value, comparable across servers (a DUMP of a set differs in its order). */
    static Object value(Jedis jedis, String key) {
        String type = jedis.type(key);
        Object value = switch (type) {
            case "string" -> List.of(jedis.get(key.getBytes(StandardCharsets.UTF_8)));
            case "list" -> jedis.lrange(key, 0, -1);
            case "set" -> new TreeSet<>(jedis.smembers(key));
            case "zset" -> jedis.zrangeWithScores(key, 0, -1).toString();
            case "hash" -> new java.util.TreeMap<>(jedis.hgetAll(key));
            case "stream" -> jedis.xrange(key, (StreamEntryID) null, (StreamEntryID) null).toString();
            default -> jedis.dump(key);
        };
        return type + " " + (value instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof byte[] b
                ? java.util.Arrays.toString(b) : value);
    }

    private static List<String> ids(Jedis jedis, String stream) {
        return jedis.xrange(stream, (StreamEntryID) null, (StreamEntryID) null).stream()
                .map(e -> e.getID().toString()).toList();
    }

    private void startRedis(int port, String password) throws Exception {
        Path dir = Files.createTempDirectory(dataDir, "outside");
        RedisBinary binary = RedisBinary.locate("", dataDir);
        Process p = new ProcessBuilder(binary.path().toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        outside.add(p);
        ReplicationTasksTest.await("the outside redis", Duration.ofSeconds(10), () -> {
            try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", port),
                    DefaultJedisClientConfig.builder().password(password).build())) {
                return "PONG".equals(j.ping());
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
