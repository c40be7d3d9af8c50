package org.redtrove.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates requests for {@link RequestFuzzTest}: a route of the api (its method and pattern), its
 * placeholders filled with real ids most of the time and with hostile text otherwise, a query, a
 * token, and a body made from a valid template and then damaged. A tenth of the requests are
 * broken at the HTTP level instead (odd methods, request targets that are not URIs, bad versions
 * and headers); those are sent by {@link RawHttp}. One in eight goes to the identity port.
 * Everything comes from one seeded Random.
 */
final class FuzzRequests {

    /** A route as Spring MVC maps it. */
    record Route(String method, String pattern) {
    }

    /** The real things a placeholder can name, and the tokens to call with. */
    record Known(Map<String, String> tokensToProjects, List<String> instances, List<String> identityProjects,
                 List<String> users, List<String> roles, List<String> allProjects) {
    }

    /** One request, as bytes for the raw client and as parts for java.net.http, and the port it goes to. */
    record FuzzRequest(String method, String target, List<String[]> headers, byte[] body, boolean rawOnly,
                       byte[] raw, boolean toIdentityPort) {

        String describe() {
            String b = body == null ? "" : new String(body, StandardCharsets.UTF_8);
            String t = target.length() > 300 ? target.substring(0, 300) + "...(" + target.length() + " chars)" : target;
            StringBuilder h = new StringBuilder();
            headers.forEach(kv -> h.append(kv[0]).append(": ").append(shorten(kv[1])).append("; "));
            return (toIdentityPort ? "(identity port) " : "") + method + " " + t + " [" + h + "] " + shorten(b);
        }

        private static String shorten(String s) {
            return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]+)}");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Text that has broken servers before: escapes, separators, NUL, huge and odd numbers, injection. */
    private static final String[] HOSTILE = {
        "", "x", "%00", "%ff", "%", "%zz", "%2f", "%2e%2e", "..", "%C0%80", "%ED%A0%80", "%F0%9F%98%80", "%20",
        "null", "-1", "0", "99999999999999999999", "1e309", "' or '1'='1", ";", "%3B", "%7B", "a%0Ab", "%E2%80%AE",
        "x".repeat(300), "%C3%A9", "%5Cu0000", "*", "~", "+",
    };

    private static final String[] CONTENT_TYPES = {
        "application/json", "application/json", "application/json", "application/json; charset=UTF-8",
        null, "text/plain", "multipart/form-data", "multipart/form-data; boundary=xyz",
        "application/x-www-form-urlencoded", "application/json; charset=latin1", "a/b/c", "*/*", "application/xml",
    };

    private static final String[] ACCEPTS = {
        "application/json", "application/json", "application/json", null, "*/*", "application/xml", "text/html",
        "application/vnd.openstack.trove+json", "garbage",
    };

    private final Random random;
    private final List<Route> routes;
    private final Known known;

    FuzzRequests(long seed, List<Route> routes, Known known) {
        this.random = new Random(seed);
        this.routes = routes;
        this.known = known;
    }

    Route pick() {
        return routes.get(random.nextInt(routes.size()));
    }

    FuzzRequest next(Route route) {
        if (random.nextInt(10) == 0) {
            return brokenHttp(route);
        }
        String method = random.nextInt(8) == 0 ? pickOf("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
                : route.method();
        List<String[]> headers = new ArrayList<>();
        String token = token();
        String project = token == null ? pickOf(known.allProjects()) : known.tokensToProjects().get(token);
        String target = fill(route.pattern(), project) + query();
        if (token != null) {
            headers.add(new String[] {"X-Auth-Token", token});
        }
        String accept = pickOf(ACCEPTS);
        if (accept != null) {
            headers.add(new String[] {"Accept", accept});
        }
        if (route.pattern().endsWith("/auth/tokens") && random.nextBoolean()) {
            headers.add(new String[] {"X-Subject-Token", random.nextBoolean() ? pickOf(tokens()) : hostileText()});
        }
        if (route.pattern().endsWith("v1.0") && random.nextInt(4) != 0) {
            headers.add(new String[] {"X-Auth-User", random.nextBoolean() ? "alice" : hostileText()});
            headers.add(new String[] {"X-Auth-Key", random.nextBoolean() ? "alice-secret" : hostileText()});
            if (random.nextBoolean()) {
                headers.add(new String[] {"X-Auth-Project-Id", random.nextBoolean() ? "alpha" : hostileText()});
            }
        }
        byte[] body = null;
        if (!method.equals("GET") && !method.equals("HEAD") || random.nextInt(20) == 0) {
            if (random.nextInt(10) != 0) {
                body = body(route);
                String contentType = pickOf(CONTENT_TYPES);
                if (contentType != null) {
                    headers.add(new String[] {"Content-Type", contentType});
                }
            }
        }
        return new FuzzRequest(method, target, headers, body, random.nextInt(7) == 0,
                raw(method, target, headers, body, "HTTP/1.1"), random.nextInt(8) == 0);
    }

    /** Tokens that pass sometimes, and some that never do. */
    private String token() {
        int r = random.nextInt(10);
        if (r == 0) {
            return null;
        }
        if (r == 1) {
            return "not-a-token-" + random.nextInt(1000);
        }
        return pickOf(tokens());
    }

    private List<String> tokens() {
        return new ArrayList<>(known.tokensToProjects().keySet());
    }

    private String fill(String pattern, String tokenProject) {
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String before = pattern.substring(0, m.start());
            m.appendReplacement(out, Matcher.quoteReplacement(valueFor(before, m.group(1), tokenProject)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A real value for the placeholder (three times in four), chosen by the segment before it. */
    private String valueFor(String before, String name, String tokenProject) {
        if (random.nextInt(4) == 0) {
            return random.nextBoolean() ? hostileText() : UUID.randomUUID().toString();
        }
        String segment = before.endsWith("/") ? before.substring(0, before.length() - 1) : before;
        segment = segment.substring(segment.lastIndexOf('/') + 1);
        return switch (segment) {
            case "v1.0" -> tokenProject != null && random.nextInt(8) != 0 ? tokenProject : pickOf(known.allProjects());
            case "instances" -> pickOf(known.instances());
            case "flavors" -> pickOf("1", "2", "5", "redis.tiny");
            case "datastores" -> pickOf("redis", "a7e1b8f0-5d1c-4c86-9f0e-1d3b2c4a5e60", "mysql");
            case "versions" -> pickOf("7.0", ApiTestSupport.VERSION_ID);
            case "projects" -> pickOf(known.identityProjects());
            case "users" -> pickOf(known.users());
            case "roles" -> pickOf(known.roles());
            case "domains" -> pickOf("default", "Default");
            case "quotas" -> pickOf(known.allProjects());
            case "replications" -> pickOf("fz-repl", "fz-host", "fz-new");
            default -> name;
        };
    }

    private String query() {
        int r = random.nextInt(6);
        if (r > 1) {
            return "";
        }
        String[] keys = {"limit", "marker", "name", "include_clustered", "domain_id", "user.id", "scope.project.id",
            "role.id", "include_names", "x"};
        StringBuilder q = new StringBuilder("?");
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                q.append('&');
            }
            q.append(pickOf(keys)).append('=');
            q.append(random.nextBoolean() ? pickOf("1", "2", "False", "true", "alpha", "default",
                    pickOf(known.instances())) : hostileText());
        }
        return q.toString();
    }

    private String hostileText() {
        return pickOf(HOSTILE);
    }

    // --- bodies ---

    private byte[] body(Route route) {
        JsonNode template = template(route);
        int r = random.nextInt(10);
        if (r == 0) {
            return bytesOf(pickOf("", "{", "[]", "null", "\"x\"", "{\"a\":", "{}", "{\"instance\":[]}", "\u0000",
                    "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}", "[" .repeat(2000), "{\"a\":1}{\"b\":2}"));
        }
        if (r == 1) {
            byte[] bytes = bytesOf(JSON.writeValueAsString(template));
            return damageBytes(bytes);
        }
        JsonNode mutated = template.deepCopy();
        int mutations = random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutated = mutate(mutated, 0);
        }
        return bytesOf(JSON.writeValueAsString(mutated));
    }

    private byte[] damageBytes(byte[] bytes) {
        if (bytes.length == 0) {
            return bytes;
        }
        byte[] copy = bytes.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                return java.util.Arrays.copyOf(copy, random.nextInt(copy.length));
            }
            case 1 -> copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
            case 2 -> copy[random.nextInt(copy.length)] = 0;
            default -> {
                byte[] bad = {(byte) 0xc0, (byte) 0x80, (byte) 0xff, (byte) 0xed, (byte) 0xa0, (byte) 0x80};
                int at = random.nextInt(copy.length);
                byte[] out = new byte[copy.length + bad.length];
                System.arraycopy(copy, 0, out, 0, at);
                System.arraycopy(bad, 0, out, at, bad.length);
                System.arraycopy(copy, at, out, at + bad.length, copy.length - at);
                return out;
            }
        }
        return copy;
    }

    /** Replaces, removes or adds one node somewhere in the tree. */
    private JsonNode mutate(JsonNode node, int depth) {
        if (node instanceof ObjectNode object && !object.isEmpty() && random.nextInt(3) != 0) {
            List<String> names = new ArrayList<>(object.propertyNames());
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(hostileKey(), randomValue(depth));
                case 2 -> object.set(name, mutate(object.get(name), depth + 1));
                default -> object.set(name, randomValue(depth));
            }
            return object;
        }
        if (node instanceof ArrayNode array && !array.isEmpty() && random.nextBoolean()) {
            array.set(random.nextInt(array.size()), randomValue(depth));
            return array;
        }
        return random.nextInt(3) == 0 ? randomValue(depth) : node;
    }

    private String hostileKey() {
        return pickOf("x", "", "\u0000", "name", "slave_of", "replica_of", "replica_count", "\ud83d\ude00", "a.b");
    }

    private JsonNode randomValue(int depth) {
        return switch (random.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.numberNode(Long.MAX_VALUE);
            case 4 -> NODES.numberNode(-1);
            case 5 -> NODES.numberNode(1.5e300);
            case 6 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 7 -> NODES.stringNode("\u0000");
            case 8 -> NODES.stringNode("x".repeat(random.nextInt(3) == 0 ? 70_000 : 256));
            case 9 -> NODES.stringNode(pickOf("\ud800", "\udfff", "\ud83d\ude00", "é", "a\tb", "\u202e", ""));
            case 10 -> NODES.stringNode(UUID.randomUUID().toString());
            case 11 -> depth > 3 ? NODES.objectNode() : NODES.objectNode().set("a", randomValue(depth + 1));
            case 12 -> NODES.arrayNode().add(depth > 3 ? NODES.nullNode() : randomValue(depth + 1));
            default -> NODES.stringNode(hostileText());
        };
    }

    private JsonNode template(Route route) {
        String p = route.pattern();
        String instance = pickOf(known.instances());
        String json;
        if (p.endsWith("/instances") && route.method().equals("POST")) {
            json = pickOf("""
                    {"instance":{"name":"fz","flavorRef":"1","volume":{"size":1,"type":null},
                     "datastore":{"type":"redis","version":"7.0"},"access":{"is_public":false}}}""",
                    "{\"instance\":{\"name\":\"fz-r\",\"replica_of\":\"" + instance + "\",\"replica_count\":1}}",
                    "{\"instance\":{\"name\":\"fz-s\",\"flavorRef\":1,\"slave_of\":\"" + instance + "\"}}");
        } else if (p.endsWith("/instances/{id}")) {
            json = pickOf("{\"instance\":{\"name\":\"renamed\"}}", "{\"instance\":{\"replica_of\":null}}",
                    "{\"instance\":{\"slave_of\":null,\"name\":\"n\"}}");
        } else if (p.endsWith("/action")) {
            json = pickOf("{\"promote_to_replica_source\":{}}", "{\"eject_replica_source\":{}}",
                    "{\"reset_status\":{}}", "{\"restart\":{}}");
        } else if (p.endsWith("/replications/{name}/mode")) {
            json = pickOf("{\"mode\":\"paused\"}", "{\"mode\":\"enabled\"}", "{\"mode\":\"disabled\"}");
        } else if (p.endsWith("/replications/{name}")) {
            json = pickOf("{\"src_instance\":\"" + instance + "\",\"dst_instance\":\"" + pickOf(known.instances())
                    + "\",\"entries\":[\"k:*\"],\"include\":{\"a\":\"b\"},\"each_n\":2,\"mode\":\"paused\"}",
                    "{\"src_instance\":\"" + instance + "\",\"dst_host\":\"redis://10.0.0.1:6379/1\","
                            + "\"dst_password\":\"pw\",\"exclude\":{\"x\":\"y\"},\"each_s\":0.5}",
                    "{\"src_instance\":\"fz-a\",\"dst_host\":\"rediss://u:pw@h:6380\",\"dst_password\":\"***\"}");
        } else if (p.endsWith("/auth/tokens")) {
            json = """
                    {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice",
                     "password":"alice-secret","domain":{"id":"default"}}}},"scope":{"project":{"name":"alpha"}}}}""";
        } else if (p.endsWith("/tokens")) {
            json = """
                    {"auth":{"passwordCredentials":{"username":"alice","password":"alice-secret"},
                     "tenantName":"alpha"}}""";
        } else if (p.contains("/projects")) {
            json = "{\"project\":{\"name\":\"fz-project\",\"domain_id\":\"default\",\"description\":\"d\","
                    + "\"enabled\":true,\"parent_id\":\"default\",\"is_domain\":false}}";
        } else if (p.contains("/users")) {
            json = "{\"user\":{\"name\":\"fz-user\",\"password\":\"pw\",\"default_project_id\":\""
                    + pickOf(known.identityProjects()) + "\",\"email\":\"e@x\",\"enabled\":true}}";
        } else if (p.contains("/quotas")) {
            json = "{\"quotas\":{\"instances\":50,\"ram\":-1,\"volumes\":100,\"backups\":5,\"replicas\":-1}}";
        } else {
            json = "{}";
        }
        return JSON.readTree(json);
    }

    // --- broken at the HTTP level ---

    private FuzzRequest brokenHttp(Route route) {
        String method = pickOf("CONNECT", "TRACE", "PROPFIND", "FOO", "get", "G\tET", "", "DELETE", "GET",
                "M".repeat(300));
        String target = pickOf("*", "http://127.0.0.1/v1.0", "{", "/%", "/%zz", "/a b", "/\u0001", "/" + "a".repeat(70_000),
                "/v1.0/x/../..", "//", "/;jsessionid=x", "/v1.0;a=b/x", "/%2e%2e/", "/v1.0/%00", "/identity/v3/%ff",
                "", "/?%", "/v1.0/" + "%41".repeat(3000), route.pattern(), "/\u00e9");
        String version = pickOf("HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "FOO/1.1", "");
        List<String[]> headers = new ArrayList<>();
        int r = random.nextInt(6);
        if (r == 0) {
            headers.add(new String[] {"Bad Header", "x"});
        } else if (r == 1) {
            headers.add(new String[] {"X-Long", "y".repeat(20_000)});
        } else if (r == 2) {
            headers.add(new String[] {"Content-Length", "5"});
            headers.add(new String[] {"Content-Length", "7"});
        } else if (r == 3) {
            headers.add(new String[] {"Transfer-Encoding", "chunked"});
            headers.add(new String[] {"Content-Type", "application/json"});
        } else if (r == 4) {
            headers.add(new String[] {"Content-Length", "100"});
            headers.add(new String[] {"Content-Type", "application/json"});
        }
        byte[] body = r >= 2 && r <= 4 ? bytesOf("zz\r\n{}") : null;
        return new FuzzRequest(method, target, headers, body, true, raw(method, target, headers, body, version),
                random.nextInt(8) == 0);
    }

    private static byte[] raw(String method, String target, List<String[]> headers, byte[] body, String version) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(version.isEmpty() ? "" : " " + version).append("\r\n");
        head.append("Host: 127.0.0.1\r\n");
        head.append("Connection: close\r\n");
        boolean length = false;
        for (String[] h : headers) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            length |= h[0].equalsIgnoreCase("Content-Length") || h[0].equalsIgnoreCase("Transfer-Encoding");
        }
        if (body != null && !length) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static byte[] bytesOf(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @SafeVarargs
    private <T> T pickOf(T... options) {
        return options[random.nextInt(options.length)];
    }

    private <T> T pickOf(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
