package org.redtrove.taskmanager.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.Arrays;
import java.util.List;
import org.redtrove.common.Situation;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the database knows of the whole installation, read at each scrape in four queries: the
 * hosts and how long each has been silent, the replica sets by situation, how far each replica is
 * behind its set's master (the master's own list of its replicas, matched to instances: no guest
 * agent knows both ends), and the instances by status. Every taskmanager serves the same figures:
 * alert on max(), not sum().
 */
@Component
public class FleetGauges {

    private final JdbcClient jdbc;
    private final MultiGauge hostSilence;
    private final MultiGauge sets;
    private final MultiGauge behindBytes;
    private final MultiGauge lagSeconds;
    private final MultiGauge instances;

    public FleetGauges(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.hostSilence = MultiGauge.builder("redtrove.host.heartbeat.age").baseUnit("seconds")
                .description("time since the host's guest agent last reported, in the database's clock")
                .register(registry);
        this.sets = MultiGauge.builder("redtrove.replica.sets")
                .description("replica sets by the situation the failure analysis last found them in")
                .register(registry);
        this.behindBytes = MultiGauge.builder("redtrove.replica.behind").baseUnit("bytes")
                .description("the set's master's replication offset minus what the replica last acknowledged to it, "
                        + "as the master's latest heartbeat lists its replicas")
                .register(registry);
        this.lagSeconds = MultiGauge.builder("redtrove.replica.lag").baseUnit("seconds")
                .description("time since the replica last acknowledged to its master (it does so every second), "
                        + "as the master's latest heartbeat lists its replicas")
                .register(registry);
        this.instances = MultiGauge.builder("redtrove.instances")
                .description("instances (not deleted) by status").register(registry);
    }

    private record ReplicaLag(Tags tags, long behindBytes, long lagSeconds) {
    }

    public synchronized void refresh() {
        hostSilence.register(jdbc.sql("""
                        select id, name, extract(epoch from now() - last_heartbeat_at) as age from hosts""")
                .query((rs, n) -> MultiGauge.Row.of(Tags.of("host", rs.getString("id"), "host_name",
                        rs.getString("name")), rs.getDouble("age")))
                .list(), true);
        sets.register(jdbc.sql("""
                        select s.name as situation, count(r.id) as sets
                          from unnest(cast(:names as text[])) as s(name)
                          left join replica_sets r on r.situation = s.name
                         group by s.name""")
                .param("names", Arrays.stream(Situation.values()).map(Enum::name).toArray(String[]::new))
                .query((rs, n) -> MultiGauge.Row.of(Tags.of("situation", rs.getString("situation")),
                        rs.getLong("sets")))
                .list(), true);
        List<ReplicaLag> lags = jdbc.sql("""
                        select r.id as instance_id, r.replica_set_id,
                               greatest(0, cast(m.report -> 'replication' ->> 'processedOffset' as bigint)
                                         - cast(link ->> 'offset' as bigint)) as behind,
                               cast(link ->> 'lag' as bigint) as lag
                          from replica_sets s
                          join heartbeats m on m.instance_id = s.master_id
                                           and m.report -> 'replication' ->> 'role' = 'master'
                          cross join lateral jsonb_array_elements(case
                                   when jsonb_typeof(m.report -> 'replication' -> 'replicas') = 'array'
                                   then m.report -> 'replication' -> 'replicas' else '[]' end) as link
                          join instances r on r.replica_set_id = s.id and not r.deleted and r.id <> s.master_id
                                          and r.port = cast(link ->> 'port' as int)
                          join hosts h on h.id = r.host_id and h.address = link ->> 'ip'""")
                .query((rs, n) -> new ReplicaLag(Tags.of("instance_id", rs.getString("instance_id"),
                        "set", rs.getString("replica_set_id")), rs.getLong("behind"), rs.getLong("lag")))
                .list();
        behindBytes.register(lags.stream().map(l -> MultiGauge.Row.of(l.tags(), l.behindBytes())).toList(), true);
        lagSeconds.register(lags.stream().map(l -> MultiGauge.Row.of(l.tags(), l.lagSeconds())).toList(), true);
        instances.register(jdbc.sql("""
                        select server_status, count(*) as n from instances where not deleted group by server_status""")
                .query((rs, n) -> MultiGauge.Row.of(Tags.of("status", rs.getString("server_status")), rs.getLong("n")))
                .list(), true);
    }
}
