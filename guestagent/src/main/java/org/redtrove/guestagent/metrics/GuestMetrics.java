package org.redtrove.guestagent.metrics;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.metrics.ManagementPort;
import org.redtrove.common.metrics.MetricsSettings;
import org.redtrove.guestagent.HostIdentity;
import org.redtrove.guestagent.redis.RedisHost;
import org.redtrove.guestagent.tasks.ReplicationTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The guest agent's management port, and what it knows first hand: each of its Redis instances
 * (labelled by instance id, set and role; never by password or tenant) and each replication task
 * it runs. The figures are those of the agent's last probe and of the running tasks, read when
 * Prometheus scrapes, so they need no thread of their own and cost nothing between scrapes.
 */
@Configuration(proxyBeanMethods = false)
public class GuestMetrics {

    private static final Logger log = LoggerFactory.getLogger(GuestMetrics.class);

    @Bean(destroyMethod = "close")
    ManagementPort guestManagementPort(PrometheusMeterRegistry registry, RedisHost redis, ReplicationTasks tasks,
                                       HostIdentity host,
                                       @Value("${redtrove.metrics.bind-address:127.0.0.1}") String bindAddress,
                                       @Value("${redtrove.metrics.port:9782}") int port,
                                       @Value("${redtrove.metrics.token:}") String token) {
        Series series = new Series(registry, host.hostId());
        ManagementPort opened = new MetricsSettings(bindAddress, port, token).open(registry, "guest-metrics",
                () -> series.refresh(redis.reports(), tasks.reports()));
        log.info("guest agent {}: {}", host.hostId(), opened.describe(bindAddress));
        return opened;
    }

    /**
     * The per-instance and per-task gauges: one series each, replaced at every scrape. A figure the
     * instance does not have (a master's link, the load of one that does not answer) has no series.
     */
    static final class Series {

        private final List<Family<InstanceReport>> instances = new ArrayList<>();
        private final List<Family<ReplicationTaskReport>> tasks = new ArrayList<>();
        private final String hostId;

        Series(PrometheusMeterRegistry registry, String hostId) {
            this.hostId = hostId;
            instance(registry, "redtrove.instance.up", "1 while the instance answers its agent", null,
                    r -> r.state() == RedisState.RUNNING ? 1 : 0);
            instance(registry, "redtrove.instance.memory.used", "used_memory", "bytes",
                    r -> r.usage() == null ? Double.NaN : r.usage().usedMemoryBytes());
            instance(registry, "redtrove.instance.memory.limit", "maxmemory, the flavor's RAM (0: no limit)", "bytes",
                    r -> r.usage() == null ? Double.NaN : r.usage().maxMemoryBytes());
            instance(registry, "redtrove.instance.clients", "connected_clients, the agent's own included", null,
                    r -> r.usage() == null ? Double.NaN : r.usage().connectedClients());
            instance(registry, "redtrove.instance.ops", "instantaneous_ops_per_sec", null,
                    r -> r.usage() == null ? Double.NaN : r.usage().opsPerSecond());
            instance(registry, "redtrove.instance.replication.offset", "master_repl_offset, or a replica's "
                    + "slave_repl_offset: compare a replica's with its master's for the bytes it is behind", "bytes",
                    r -> r.replication() == null ? Double.NaN : r.replication().processedOffset());
            instance(registry, "redtrove.instance.replication.link.up", "replicas: 1 while the link to the master is up",
                    null, r -> replica(r) ? (r.replication().masterLinkUp() ? 1 : 0) : Double.NaN);
            instance(registry, "redtrove.instance.replication.behind", "replicas: time since the master was last "
                    + "heard on the link (the agent's own clock, still counting once the link is down)", "seconds",
                    r -> replica(r) && r.replication().millisSinceMasterIo() >= 0
                            ? r.replication().millisSinceMasterIo() / 1000.0 : Double.NaN);
            instance(registry, "redtrove.instance.syncs.full", "masters: full syncs served since Redis started", null,
                    r -> syncs(r) == null ? Double.NaN : syncs(r).full());
            instance(registry, "redtrove.instance.syncs.partial", "masters: partial resyncs served since Redis started",
                    null, r -> syncs(r) == null ? Double.NaN : syncs(r).partialOk());
            instance(registry, "redtrove.instance.disk.used", "what its persistence files take of its volume", "bytes",
                    r -> r.disk() == null ? Double.NaN : r.disk().usedBytes());
            instance(registry, "redtrove.instance.disk.limit", "its volume's size", "bytes",
                    r -> r.disk() == null ? Double.NaN : r.disk().budgetBytes());
            task(registry, "redtrove.task.active", "1 while the task reads its source and its target answers", null,
                    t -> t.active() ? 1 : 0);
            task(registry, "redtrove.task.pending", "records that passed the filters and wait for the target", null,
                    t -> t.pendingRecords());
            task(registry, "redtrove.task.ok", "records applied on the target in the last hour", null,
                    t -> t.hourly() == null ? 0 : t.hourly().ok());
            task(registry, "redtrove.task.errored", "records that failed on the target in the last hour", null,
                    t -> t.hourly() == null ? 0 : t.hourly().errored());
            task(registry, "redtrove.task.lag", "from the arrival of the oldest record of the last batch to its "
                    + "application on the target", "seconds",
                    t -> t.lastBatchLagMillis() < 0 ? Double.NaN : t.lastBatchLagMillis() / 1000.0);
            task(registry, "redtrove.task.behind", "bytes of the source's replication stream the task has not read",
                    "bytes", t -> t.bytesBehind());
        }

        private static boolean replica(InstanceReport r) {
            return r.replication() != null && r.replication().isReplica();
        }

        private static ReplicationInfo.SyncCounts syncs(InstanceReport r) {
            return r.replication() == null ? null : r.replication().syncs();
        }

        private void instance(PrometheusMeterRegistry registry, String name, String help, String unit,
                              ToDoubleFunction<InstanceReport> value) {
            instances.add(new Family<>(MultiGauge.builder(name).description(help).baseUnit(unit).register(registry),
                    value));
        }

        private void task(PrometheusMeterRegistry registry, String name, String help, String unit,
                          ToDoubleFunction<ReplicationTaskReport> value) {
            tasks.add(new Family<>(MultiGauge.builder(name).description(help).baseUnit(unit).register(registry), value));
        }

        synchronized void refresh(List<InstanceReport> reports, List<ReplicationTaskReport> taskReports) {
            Map<InstanceReport, Tags> instanceTags = new IdentityHashMap<>();
            reports.forEach(r -> instanceTags.put(r, instanceTags(r)));
            instances.forEach(family -> family.register(reports, instanceTags::get));
            Map<ReplicationTaskReport, Tags> taskTags = new IdentityHashMap<>();
            taskReports.forEach(t -> taskTags.put(t, Tags.of("task", t.taskId().toString(),
                    "instance", String.valueOf(t.instanceId()), "host", hostId)));
            tasks.forEach(family -> family.register(taskReports, taskTags::get));
        }

        private Tags instanceTags(InstanceReport r) {
            String role = r.replication() == null ? "unknown" : r.replication().isReplica() ? "replica" : "master";
            String set = r.membership() == null ? "" : r.membership().setId().toString();
            return Tags.of("instance_id", r.instanceId().toString(), "set", set, "role", role, "host", hostId);
        }

        /** One metric's series: a row per instance or task that has the figure, valued now. */
        private record Family<T>(MultiGauge gauge, ToDoubleFunction<T> value) {

            void register(List<T> rows, Function<T, Tags> tags) {
                List<MultiGauge.Row<?>> series = new ArrayList<>();
                for (T row : rows) {
                    double v = value.applyAsDouble(row);
                    if (!Double.isNaN(v)) {
                        series.add(MultiGauge.Row.of(tags.apply(row), v));
                    }
                }
                gauge.register(series, true);
            }
        }
    }
}
