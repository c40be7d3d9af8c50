package org.redtrove.taskmanager.conductor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Heartbeats as this taskmanager's conductor takes them: by host, how many came later than
 * {@code redtrove.taskmanager.heartbeat-late-after} after the host's previous one (taken by any
 * taskmanager: the gap is the database's), and what writing them costs.
 */
@Component
public class HeartbeatMeters {

    private final MeterRegistry meters;
    private final double lateAfterSeconds;
    private final Timer handling;
    private final DistributionSummary instances;

    public HeartbeatMeters(MeterRegistry meters,
                           @Value("${redtrove.taskmanager.heartbeat-late-after:3s}") Duration lateAfter) {
        this.meters = meters;
        this.lateAfterSeconds = lateAfter.toMillis() / 1000.0;
        this.handling = Timer.builder("redtrove.heartbeat.handling")
                .description("time the conductor took to record one heartbeat (all of a host's instances)")
                .register(meters);
        this.instances = DistributionSummary.builder("redtrove.heartbeat.instances")
                .description("instance reports per heartbeat").register(meters);
    }

    void received(String hostId, Double secondsSincePrevious, int instanceReports) {
        Counter.builder("redtrove.heartbeats.received").description("heartbeats taken from guest agents")
                .tag("host", hostId).register(meters).increment();
        // registered with the first heartbeat, so that a host's series reads 0 before it is ever late
        Counter late = Counter.builder("redtrove.heartbeats.late")
                .description("heartbeats that came more than heartbeat-late-after after the host's previous one")
                .tag("host", hostId).register(meters);
        if (secondsSincePrevious != null && secondsSincePrevious > lateAfterSeconds) {
            late.increment();
        }
        instances.record(instanceReports);
    }

    void handled(long nanos) {
        handling.record(nanos, TimeUnit.NANOSECONDS);
    }
}
