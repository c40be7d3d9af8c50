package org.redtrove.common.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A process's management port: redtrove.metrics.bind-address, redtrove.metrics.port (0 = a free
 * one, -1 = none) and redtrove.metrics.token (REDTROVE_METRICS_TOKEN; without it no port opens,
 * as nobody could be let in).
 */
public record MetricsSettings(String bindAddress, int port, String token) {

    /** Why no port opens with these settings, or empty when one does. */
    public Optional<String> whyClosed() {
        if (port < 0) {
            return Optional.of("redtrove.metrics.port is " + port);
        }
        if (!ScrapeToken.of(token).configured()) {
            return Optional.of("no metrics token is set (REDTROVE_METRICS_TOKEN)");
        }
        return Optional.empty();
    }

    /** The port, open unless {@link #whyClosed()} says why not. */
    public ManagementPort open(PrometheusMeterRegistry registry, String threadName, Runnable beforeScrape) {
        if (whyClosed().isPresent()) {
            return new ManagementPort(null, whyClosed().get());
        }
        try {
            return new ManagementPort(MetricsServer.start(registry, bindAddress, port, ScrapeToken.of(token),
                    threadName, beforeScrape), null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the metrics port " + bindAddress + ":" + port
                    + " (redtrove.metrics.port): " + e.getMessage(), e);
        }
    }
}
