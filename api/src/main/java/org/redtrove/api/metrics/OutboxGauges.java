package org.redtrove.api.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The outbox as Prometheus sees it: jobs accepted but not yet handed to the broker, and how long
 * the oldest has waited. Both grow when the broker or the relay is down; read in one query per
 * scrape, at most once a second however many api processes and scrapers ask.
 */
@Component
public class OutboxGauges {

    private static final long FRESH_NANOS = Duration.ofSeconds(1).toNanos();

    private final JdbcClient jdbc;
    private long readAt;
    private double depth;
    private double oldestAge;

    public OutboxGauges(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        Gauge.builder("redtrove.outbox.depth", this, o -> o.read().depth)
                .description("jobs written to the outbox and not yet published to the broker").register(registry);
        Gauge.builder("redtrove.outbox.oldest.age", this, o -> o.read().oldestAge).baseUnit("seconds")
                .description("how long the oldest unpublished job has waited (0: none waits)").register(registry);
    }

    private synchronized OutboxGauges read() {
        long now = System.nanoTime();
        if (readAt == 0 || now - readAt > FRESH_NANOS) {
            jdbc.sql("""
                    select count(*) as depth,
                           coalesce(extract(epoch from now() - min(created_at)), 0) as age
                      from outbox where sent_at is null""")
                    .query(rs -> {
                        depth = rs.getLong("depth");
                        oldestAge = rs.getDouble("age");
                    });
            readAt = now;
        }
        return this;
    }
}
