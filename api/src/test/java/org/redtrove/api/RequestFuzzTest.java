package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Sends at least 10,000 generated requests, seeded and reproducible, over every route the api maps
 * (read from Spring MVC itself, so a new route is fuzzed without touching this test) and to both
 * ports (Trove's and the identity service's), and fails on
 * any 5xx, on any error answer that is not a JSON fault in the path's shape, on any logged stack
 * trace, and on a server that cannot serve a real login and list afterwards.
 *
 * <p>{@code -Dredtrove.fuzz.seed=N} replays another sequence; {@code -Dredtrove.fuzz.requests=N}
 * changes its length. Rate limits and the instance and volume quotas are off, so that requests
 * reach the code behind them rather than stopping at a 413 (LimitsApiTest and QuotasApiTest
 * cover those).
 */
@TestPropertySource(properties = {"redtrove.rate-limit.get=0", "redtrove.rate-limit.post=0", "redtrove.rate-limit.put=0",
        "redtrove.rate-limit.delete=0", "redtrove.quota.instances=-1", "redtrove.quota.volumes=-1"})
class RequestFuzzTest extends ApiTestSupport {

    private static final long SEED = Long.getLong("redtrove.fuzz.seed", 20_261_201L);
    private static final int REQUESTS = Integer.getInteger("redtrove.fuzz.requests", 10_000);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Value("${local.identity.port}")
    private int identityPort;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    /** What one request got back, from either client. */
    private record Answer(int status, String contentType, byte[] body) {
    }

    @Test
    void noRequestGetsA5xxAnHtmlPageOrAStackTraceAndTheServerStaysHealthy() throws Exception {
        List<FuzzRequests.Route> routes = routes();
        FuzzRequests generator = new FuzzRequests(SEED, routes, known());

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<FuzzRequests.Route, Integer> perRoute = new LinkedHashMap<>();
        int raw = 0;
        try {
            for (int i = 0; i < REQUESTS; i++) {
                FuzzRequests.Route route = generator.pick();
                FuzzRequests.FuzzRequest request = generator.next(route);
                String context = "request " + i + " of seed " + SEED + ": " + request.describe();
                Answer answer;
                HttpRequest viaJdk = request.rawOnly() ? null : jdkRequest(request);
                if (viaJdk == null) {
                    raw++;
                    answer = viaRawSocket(request, context);
                } else {
                    answer = viaJdk(viaJdk, context);
                }
                statuses.merge(answer.status(), 1, Integer::sum);
                perRoute.merge(route, 1, Integer::sum);
                check(request, answer, context);
            }
        } finally {
            root.detachAppender(logged);
        }
        System.out.printf("FUZZ seed %d: %d requests (%d raw) over %d routes; statuses %s%n", SEED, REQUESTS, raw,
                routes.size(), statuses);

        assertThat(perRoute.keySet()).as("every route was fuzzed").containsExactlyInAnyOrderElementsOf(routes);
        List<String> traces = new ArrayList<>();
        for (ILoggingEvent event : logged.list) {
            if (event.getThrowableProxy() != null || event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)) {
                traces.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : " / " + event.getThrowableProxy().getClassName()
                        + ": " + event.getThrowableProxy().getMessage()));
            }
        }
        assertThat(traces).as("log lines with a stack trace or at ERROR").isEmpty();

        // still healthy: a real login and a real list
        String alice = alice();
        Response list = get("/v1.0/" + alphaProject + "/instances", alice);
        assertThat(list.status()).as(list.raw().body()).isEqualTo(200);
        assertThat(list.json().get("instances").isArray()).isTrue();
        assertThat(get("/v1.0/" + adminProject + "/instances", token("admin", "admin-secret", "admin")).status())
                .isEqualTo(200);
    }

    /** Every method and pattern Spring MVC maps, in a stable order. */
    private List<FuzzRequests.Route> routes() {
        Set<String> seen = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                if (methods.isEmpty()) {
                    seen.add("GET " + pattern);
                } else {
                    methods.forEach(m -> seen.add(m.name() + " " + pattern));
                }
            }
        });
        List<FuzzRequests.Route> routes = new ArrayList<>();
        for (String route : seen) {
            String[] parts = route.split(" ", 2);
            routes.add(new FuzzRequests.Route(parts[0], parts[1]));
        }
        assertThat(routes).hasSizeGreaterThan(40);
        return routes;
    }

    /**
     * Real ids for the placeholders: instances (plain, a source, its replica), replication tasks, users,
     * projects, roles.
     */
    private FuzzRequests.Known known() {
        String reader = userWithRole("rita", "rita-secret", "alpha", "reader");
        String victimProject = userWithRole("victim", "victim-secret", "fuzz-victim", "member");

        String alice = alice();
        List<String> instances = new ArrayList<>();
        for (String name : new String[] {"fz-a", "fz-b", "fz-src"}) {
            Response created = post("/v1.0/" + alphaProject + "/instances", alice,
                    "{\"instance\":{\"name\":\"" + name + "\",\"flavorRef\":1}}");
            assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
            instances.add(created.json().get("instance").get("id").asString());
        }
        instances.forEach(this::activate);
        Response replica = post("/v1.0/" + alphaProject + "/instances", alice,
                "{\"instance\":{\"name\":\"fz-rep\",\"replica_of\":\"" + instances.get(2) + "\"}}");
        String replicaId = replica.json().get("instance").get("id").asString();
        activate(replicaId);
        instances.add(replicaId);
        // replication tasks for the {name} placeholders (FuzzRequests also names one that is free)
        for (String[] task : new String[][] {
            {"fz-repl", "\"dst_instance\":\"" + instances.get(1) + "\""},
            {"fz-host", "\"dst_host\":\"redis://10.0.0.1:6379\""}}) {
            Response created = post("/v1.0/" + alphaProject + "/replications/" + task[0], alice,
                    "{\"src_instance\":\"" + instances.get(0) + "\"," + task[1] + "}");
            assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
        }

        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put(alice, alphaProject);
        tokens.put(token("admin", "admin-secret", "admin"), adminProject);
        tokens.put(bob(), betaProject);
        tokens.put(token("rita", "rita-secret", "alpha"), reader);
        tokens.put(token("victim", "victim-secret", "fuzz-victim"), victimProject);
        // identity routes that change or delete things only ever name the victim (or nothing real),
        // so the seeded users can still log in at the end
        return new FuzzRequests.Known(tokens, instances, List.of(victimProject), List.of("u-victim"),
                List.of("member", "reader", "admin"), List.of(alphaProject, betaProject, adminProject, victimProject));
    }

    private HttpRequest jdkRequest(FuzzRequests.FuzzRequest request) {
        try {
            int target = request.toIdentityPort() ? identityPort : port;
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + request.target()))
                    .timeout(TIMEOUT)
                    .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            for (String[] h : request.headers()) {
                b.header(h[0], h[1]);
            }
            return b.build();
        } catch (IllegalArgumentException refused) {
            return null; // not a URI, a restricted header or method: the raw client sends it
        }
    }

    private Answer viaJdk(HttpRequest request, String context) throws InterruptedException {
        try {
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + context, e);
        }
    }

    private Answer viaRawSocket(FuzzRequests.FuzzRequest request, String context) {
        try {
            RawHttp.Reply reply = RawHttp.exchange(request.toIdentityPort() ? identityPort : port, request.raw(),
                    request.method().equals("HEAD"), TIMEOUT);
            return new Answer(reply.status(), reply.header("Content-Type"), reply.body());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + context, e);
        }
    }

    private static void check(FuzzRequests.FuzzRequest request, Answer answer, String context) {
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        String where = context + "\n -> " + answer.status() + " " + answer.contentType() + " "
                + (body.length() > 500 ? body.substring(0, 500) + "..." : body);
        if (answer.status() == RawHttp.HTTP_09) {
            // a request line without a version gets HTTP/0.9's answer, a body without a status:
            // it must be JSON, and if it is a fault, a 4xx one
            JsonNode json = JSON.readTree(answer.body());
            JsonNode fault = json.isObject() && json.size() == 1 ? json.values().iterator().next() : null;
            if (fault != null && fault.isObject() && fault.has("code")) {
                assertThat(fault.get("code").asInt()).as(where).isBetween(400, 499);
            }
            return;
        }
        assertThat(answer.status()).as(where).isBetween(100, 499);
        if (request.toIdentityPort() && request.target().startsWith("/v1.0/")) {
            assertThat(answer.status()).as("no Trove route on the identity port: " + where).isGreaterThanOrEqualTo(400);
        }
        if (answer.status() < 400 || request.method().equals("HEAD")) {
            return;
        }
        assertThat(answer.contentType()).as(where).isNotNull().startsWith("application/json");
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.isObject() && json.size() == 1).as(where).isTrue();
        String name = json.propertyNames().iterator().next();
        JsonNode fault = json.get(name);
        assertThat(fault.get("code").asInt()).as(where).isEqualTo(answer.status());
        assertThat(fault.get("message").isString()).as(where).isTrue();
        String path = request.target();
        boolean wellFormed = path.startsWith("/") && !request.rawOnly();
        if (wellFormed) {
            boolean identity = path.startsWith("/identity") || path.startsWith("/v3") || path.startsWith("/v2.0");
            assertThat(name.equals("error")).as("Keystone's shape exactly under the identity paths: " + where)
                    .isEqualTo(identity);
            if (identity) {
                assertThat(fault.get("title").isString()).as(where).isTrue();
            }
        }
    }
}
