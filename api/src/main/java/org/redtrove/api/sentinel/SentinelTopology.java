package org.redtrove.api.sentinel;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.redtrove.api.instances.InstancePasswords;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.Situation;
import org.redtrove.common.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the endpoint knows of every replica set: a snapshot per set, read again whenever the
 * database notifies a change of the set and once a second for everything (replicas' links and
 * offsets change without one). Reading a set again compares its announced master with the last one
 * announced; when it moved, the listener publishes Sentinel's events for it.
 */
@Component
class SentinelTopology {

    private static final Logger log = LoggerFactory.getLogger(SentinelTopology.class);
    private static final Set<Situation> MASTER_SILENT = Set.of(Situation.HUNG_MASTER, Situation.MASTER_PROCESS_EXITED,
            Situation.LOST_HOST, Situation.DEAD_MASTER_UNCONFIRMED, Situation.NO_USABLE_REPLICA,
            Situation.FAILOVER_BLOCKED);
    private static final String SELECT = """
            select s.id, s.project_id, s.name, s.epoch, s.master_id, s.serving_master_id, s.serving_since,
                   s.situation, i.id as member, i.password, i.port, h.address, hb.role, hb.received_at,
                   hb.report::text as report,
                   (extract(epoch from clock_timestamp() - hb.received_at) * 1000)::bigint as report_age
              from replica_sets s
              join instances i on i.replica_set_id = s.id and not i.deleted
              left join hosts h on h.id = i.host_id
              left join heartbeats hb on hb.instance_id = i.id
            """;

    /** A change of a set's announced master, from one address to another. */
    interface MasterChanges {
        void switched(SetSnapshot set, SetSnapshot.Node from, SetSnapshot.Node to);
    }

    private final JdbcClient jdbc;
    private final InstancePasswords passwords;
    private final Map<UUID, SetSnapshot> sets = new ConcurrentHashMap<>();
    /** The last master announced per set: survives a switch's gap, in which none is. */
    private final Map<UUID, SetSnapshot.Node> lastAnnounced = new ConcurrentHashMap<>();
    private final Map<String, String> opened = new ConcurrentHashMap<>();
    private volatile MasterChanges changes = (set, from, to) -> { };

    SentinelTopology(JdbcClient jdbc, InstancePasswords passwords) {
        this.jdbc = jdbc;
        this.passwords = passwords;
    }

    void onMasterChange(MasterChanges listener) {
        this.changes = listener;
    }

    Optional<SetSnapshot> get(UUID setId) {
        return Optional.ofNullable(sets.get(setId));
    }

    /**
     * The master last announced for the set: the one the last +switch-master named, announced now or
     * not (while a switch is under way, or while it is down). Empty until a first master answered.
     */
    Optional<SetSnapshot.Node> lastAnnounced(UUID setId) {
        return Optional.ofNullable(lastAnnounced.get(setId));
    }

    /** The sets whose password this is (normally one: every set's password is generated). */
    List<SetSnapshot> withPassword(String password) {
        return sets.values().stream().filter(s -> constantTimeEquals(s.password(), password)).toList();
    }

    /** Reads every set again. */
    synchronized void refreshAll() {
        Map<UUID, SetSnapshot> read = read(jdbc.sql(SELECT + " order by s.id, i.created_at, i.id"));
        sets.keySet().retainAll(read.keySet());
        lastAnnounced.keySet().retainAll(read.keySet());
        read.values().forEach(this::store);
        if (opened.size() > 4 * read.size() + 100) {
            opened.clear(); // passwords of deleted sets: opened again on the next read when needed
        }
    }

    /** Reads one set again, after the database notified a change of it. */
    synchronized void refresh(UUID setId) {
        Map<UUID, SetSnapshot> read = read(jdbc.sql(SELECT + " where s.id = ? order by i.created_at, i.id")
                .param(setId));
        SetSnapshot set = read.get(setId);
        if (set == null) {
            sets.remove(setId);
            lastAnnounced.remove(setId);
        } else {
            store(set);
        }
    }

    private void store(SetSnapshot set) {
        sets.put(set.id(), set);
        SetSnapshot.Node now = set.master();
        if (now == null) {
            return;
        }
        SetSnapshot.Node before = lastAnnounced.put(set.id(), now);
        if (before != null && !before.sameAddress(now)) {
            log.info("Sentinel: replica set {} switched master from {} to {} (epoch {})", set.name(),
                    before.address(), now.address(), set.epoch());
            try {
                changes.switched(set, before, now);
            } catch (RuntimeException e) {
                log.warn("Sentinel: could not publish the switch of {}: {}", set.name(), e.getMessage());
            }
        }
    }

    private Map<UUID, SetSnapshot> read(JdbcClient.StatementSpec query) {
        Map<UUID, List<Row>> rows = new LinkedHashMap<>();
        query.query((rs, n) -> row(rs)).list().forEach(r -> rows.computeIfAbsent(r.setId, k -> new ArrayList<>()).add(r));
        Map<UUID, SetSnapshot> read = new HashMap<>();
        rows.forEach((id, members) -> read.put(id, snapshot(members)));
        return read;
    }

    private SetSnapshot snapshot(List<Row> members) {
        Row first = members.get(0);
        SetSnapshot.Node master = null;
        SetSnapshot.Node recorded = null;
        List<SetSnapshot.Node> replicas = new ArrayList<>();
        String password = null;
        for (Row m : members) {
            if (m.memberId.equals(first.masterId) || password == null) {
                password = open(m.sealedPassword);
            }
            if (m.node == null) {
                continue; // not placed yet: no address to give anyone
            }
            if (m.memberId.equals(first.masterId)) {
                recorded = m.node;
            }
            if (m.memberId.equals(first.servingId) && answersAsMaster(m, first.servingSince)) {
                master = m.node;
            } else {
                replicas.add(m.node);
            }
        }
        boolean down = MASTER_SILENT.contains(parseSituation(first.situation));
        return new SetSnapshot(first.setId, first.projectId, first.name, first.epoch, password, master, recorded,
                down, List.copyOf(replicas));
    }

    /**
     * The announced member, unless its guest reported another role after the announcement: the
     * endpoint never hands out a node that does not answer role:master.
     */
    private static boolean answersAsMaster(Row m, OffsetDateTime servingSince) {
        boolean reportedSince = m.receivedAt != null && servingSince != null && m.receivedAt.isAfter(servingSince);
        return !reportedSince || "master".equals(m.node.reportedRole());
    }

    private String open(String sealed) {
        return opened.computeIfAbsent(sealed, passwords::open);
    }

    private static Situation parseSituation(String name) {
        try {
            return Situation.valueOf(name);
        } catch (RuntimeException e) {
            return Situation.HEALTHY;
        }
    }

    private record Row(UUID setId, String projectId, String name, long epoch, UUID masterId, UUID servingId,
                       OffsetDateTime servingSince, String situation, UUID memberId, String sealedPassword,
                       OffsetDateTime receivedAt, SetSnapshot.Node node) {
    }

    private static Row row(ResultSet rs) throws SQLException {
        UUID member = rs.getObject("member", UUID.class);
        String address = rs.getString("address");
        Integer port = (Integer) rs.getObject("port");
        SetSnapshot.Node node = null;
        if (address != null && port != null) {
            ReplicationInfo replication = null;
            String report = rs.getString("report");
            if (report != null) {
                try {
                    InstanceReport r = Wire.fromJson(report, InstanceReport.class);
                    replication = r.replication();
                } catch (RuntimeException e) {
                    replication = null; // a report an older guest wrote: shown without its figures
                }
            }
            Long age = (Long) rs.getObject("report_age");
            node = new SetSnapshot.Node(member, address, port, rs.getString("role"), age == null ? -1 : age,
                    replication != null && replication.masterLinkUp(),
                    replication == null ? null : replication.masterHost(),
                    replication == null ? 0 : replication.masterPort(),
                    replication == null ? 0 : replication.processedOffset());
        }
        return new Row(rs.getObject("id", UUID.class), rs.getString("project_id"), rs.getString("name"),
                rs.getLong("epoch"), rs.getObject("master_id", UUID.class),
                rs.getObject("serving_master_id", UUID.class), rs.getObject("serving_since", OffsetDateTime.class),
                rs.getString("situation"), member, rs.getString("password"),
                rs.getObject("received_at", OffsetDateTime.class), node);
    }

    private static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
