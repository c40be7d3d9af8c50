package org.redtrove.common.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The management port of a process without a web server of its own (the taskmanager, the guest
 * agent): {@code GET /metrics} in Prometheus's text format, for callers with the scrape token.
 * One thread: a scrape every few seconds needs no more, and a flood of them cannot take threads
 * from the process's real work.
 */
public final class MetricsServer implements AutoCloseable {

    public static final String PATH = "/metrics";
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param port 0 for a free one, read back with {@link #port()}
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, String bindAddress, int port,
                                      ScrapeToken token, String threadName) throws IOException {
        return start(registry, bindAddress, port, token, threadName, () -> { });
    }

    /**
     * @param beforeScrape brings gauges whose set of series changes (one per instance, per task) up
     *                     to date; runs on the server's thread before each scrape the token admits
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, String bindAddress, int port,
                                      ScrapeToken token, String threadName, Runnable beforeScrape) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                answer(exchange, registry, token, beforeScrape);
            }
        });
        server.start();
        return new MetricsServer(server, executor);
    }

    private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry, ScrapeToken token,
                               Runnable beforeScrape) throws IOException {
        if (!PATH.equals(exchange.getRequestURI().getPath())) {
            send(exchange, 404, "text/plain; charset=utf-8", "Not found: metrics are at " + PATH + "\n");
            return;
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "Only GET reads metrics\n");
            return;
        }
        if (!token.admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"redtrove-metrics\"");
            send(exchange, 401, "text/plain; charset=utf-8",
                    "Metrics need Authorization: Bearer <the installation's metrics token>\n");
            return;
        }
        try {
            beforeScrape.run();
        } catch (RuntimeException e) {
            // a gauge that cannot be brought up to date (the database away) keeps its last value;
            // every other metric is still worth reading
        }
        send(exchange, 200, TEXT_FORMAT, method.equals("HEAD") ? "" : registry.scrape());
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
