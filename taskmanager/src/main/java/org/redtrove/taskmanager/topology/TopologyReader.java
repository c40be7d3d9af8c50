package org.redtrove.taskmanager.topology;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.TaskStatus;
import org.redtrove.common.Wire;
import org.redtrove.taskmanager.sets.ReplicaSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads what the guests last reported, with every set as recorded: the one place that decodes the
 * reports the conductor stores (heartbeats.report), so no query reaches into their JSON.
 */
@Component
public class TopologyReader {

    private final JdbcClient jdbc;

    public TopologyReader(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private record Row(UUID setId, boolean master, MemberView view) {
    }

    /** Every set with its members, as the database shows them now. */
    public List<SetView> sets() {
        return load("", Map.of());
    }

    public Optional<SetView> set(UUID setId) {
        return load(" and s.id = :set", Map.of("set", setId)).stream().findFirst();
    }

    private List<SetView> load(String filter, Map<String, Object> params) {
        Map<UUID, ReplicaSet> sets = new LinkedHashMap<>();
        jdbc.sql("select id, project_id, name, master_id, epoch, failover_blocked_until from replica_sets s where true"
                        + filter + " order by s.created_at, s.id")
                .params(params)
                .query((ResultSet rs) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    sets.put(id, new ReplicaSet(id, rs.getString("project_id"), rs.getString("name"),
                            rs.getObject("master_id", UUID.class), rs.getLong("epoch"),
                            rs.getObject("failover_blocked_until", OffsetDateTime.class)));
                });
        List<Row> rows = jdbc.sql("""
                        select i.id, i.name, i.replica_set_id, i.task_status, s.master_id = i.id as is_master,
                               h.address || ':' || i.port as address,
                               coalesce(extract(epoch from now() - h.last_heartbeat_at) * 1000, -1) as host_silence,
                               coalesce(extract(epoch from now() - hb.received_at) * 1000, -1) as report_age,
                               coalesce(extract(epoch from now() - hb.running_at) * 1000, -1) as redis_silence,
                               hb.report::text as report
                          from instances i
                          join replica_sets s on s.id = i.replica_set_id
                          left join hosts h on h.id = i.host_id
                          left join heartbeats hb on hb.instance_id = i.id and hb.host_id = i.host_id
                         where not i.deleted""" + filter + " order by i.created_at, i.id")
                .params(params)
                .query(TopologyReader::row).list();
        Map<UUID, MemberView> masters = new HashMap<>();
        Map<UUID, List<MemberView>> replicas = new HashMap<>();
        for (Row row : rows) {
            if (row.master()) {
                masters.put(row.setId(), row.view());
            } else {
                replicas.computeIfAbsent(row.setId(), k -> new ArrayList<>()).add(row.view());
            }
        }
        List<SetView> views = new ArrayList<>();
        for (ReplicaSet set : sets.values()) {
            views.add(new SetView(set, masters.get(set.id()), List.copyOf(replicas.getOrDefault(set.id(), List.of()))));
        }
        return views;
    }

    /** The replication id the instance last reported, if it ever did: the history its replicas share. */
    public Optional<String> lastReplId(UUID instanceId) {
        return jdbc.sql("select report::text from heartbeats where instance_id = ?").param(instanceId)
                .query(String.class).optional()
                .map(json -> Wire.fromJson(json, InstanceReport.class))
                .map(InstanceReport::replication)
                .map(info -> info.replId());
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        String json = rs.getString("report");
        InstanceReport report = json == null ? null : Wire.fromJson(json, InstanceReport.class);
        MemberView view = new MemberView(rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getString("address"), TaskStatus.valueOf(rs.getString("task_status")),
                Math.round(rs.getDouble("host_silence")), Math.round(rs.getDouble("report_age")),
                Math.round(rs.getDouble("redis_silence")), report);
        return new Row(rs.getObject("replica_set_id", UUID.class), rs.getBoolean("is_master"), view);
    }
}
