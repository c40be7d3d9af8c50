package org.redtrove.api.hosts;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.api.fault.ApiException;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.instances.Handovers;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The guest hosts as an operator sees them, and draining one: no new instance is placed on it,
 * and each master on it is handed to its most current replica on a host that is not being
 * drained. Replicas and instances without replicas stay where they are, listed as what is left
 * for the operator (deploy/runbooks/hosts-and-upgrades.md): RedTrove cannot move an instance to
 * another host under the same id.
 */
@Service
public class HostService {

    /** One host, with what runs on it. */
    public record HostRow(String id, String name, String address, String redisVersion, OffsetDateTime lastHeartbeat,
                          double heartbeatAgeSeconds, OffsetDateTime drainingSince, int masters, int replicas,
                          int standalone) {

        int instances() {
            return masters + replicas + standalone;
        }
    }

    /** A master of the drained host and what became of it. */
    public record Handover(UUID instance, String name, UUID replica, String skipped) {
    }

    private static final String HOSTS = """
            select h.id, h.name, h.address, h.redis_version, h.last_heartbeat_at, h.draining_since,
                   coalesce(extract(epoch from now() - h.last_heartbeat_at), -1) as age,
                   count(i.id) filter (where i.replica_of is null and exists
                       (select 1 from instances r where r.replica_of = i.id and not r.deleted)) as masters,
                   count(i.id) filter (where i.replica_of is not null) as replicas,
                   count(i.id) filter (where i.replica_of is null and not exists
                       (select 1 from instances r where r.replica_of = i.id and not r.deleted)) as standalone
              from hosts h left join instances i on i.host_id = h.id and not i.deleted
            """;

    private final JdbcClient jdbc;
    private final Handovers handovers;

    HostService(JdbcClient jdbc, Handovers handovers) {
        this.jdbc = jdbc;
        this.handovers = handovers;
    }

    public List<HostRow> list() {
        return jdbc.sql(HOSTS + " group by h.id order by h.name, h.id").query((rs, n) -> row(rs)).list();
    }

    /** By id or by name, as the operator knows it from {@code list}. */
    public HostRow find(String idOrName) {
        List<HostRow> rows = jdbc.sql(HOSTS + " where h.id = :key or h.name = :key group by h.id order by h.id")
                .param("key", idOrName).query((rs, n) -> row(rs)).list();
        Optional<HostRow> byId = rows.stream().filter(r -> r.id().equals(idOrName)).findFirst();
        if (byId.isPresent()) {
            return byId.get();
        }
        if (rows.size() != 1) {
            throw new NotFound(rows.isEmpty() ? "Host " + idOrName + " could not be found."
                    : "More than one host is named " + idOrName + "; give its id.");
        }
        return rows.get(0);
    }

    /**
     * Marks the host drained (from now on, not placed on) and queues a switchover for every master
     * on it; again later, it hands over the masters it could not the first time (a set busy with
     * another job, or no replica elsewhere yet).
     */
    public List<Handover> drain(String idOrName) {
        HostRow host = find(idOrName);
        jdbc.sql("update hosts set draining_since = coalesce(draining_since, now()) where id = ?")
                .param(host.id()).update();
        List<Handover> result = new ArrayList<>();
        for (Master m : masters(host.id())) {
            Optional<UUID> replica = jdbc.sql("""
                    select r.id from instances r
                      join hosts h on h.id = r.host_id and h.draining_since is null
                      left join heartbeats hb on hb.instance_id = r.id
                     where r.replica_of = ? and not r.deleted and r.server_status = 'ACTIVE'
                     order by (hb.report #>> '{replication,processedOffset}')::bigint desc nulls last, r.id
                     limit 1""")
                    .param(m.id()).query(UUID.class).optional();
            if (replica.isEmpty()) {
                result.add(new Handover(m.id(), m.name(), null, "no ACTIVE replica on a host that is not being drained:"
                        + " add one (trove create NAME FLAVOR --replica_of " + m.id() + "), then drain again"));
                continue;
            }
            try {
                handovers.promote(replica.get());
                result.add(new Handover(m.id(), m.name(), replica.get(), null));
            } catch (ApiException e) {
                result.add(new Handover(m.id(), m.name(), replica.get(), e.getMessage()));
            }
        }
        return result;
    }

    /** The host takes new instances again; nothing moves back. */
    public HostRow resume(String idOrName) {
        HostRow host = find(idOrName);
        jdbc.sql("update hosts set draining_since = null where id = ?").param(host.id()).update();
        return find(host.id());
    }

    private record Master(UUID id, String name) {
    }

    private List<Master> masters(String hostId) {
        return jdbc.sql("""
                select i.id, i.name from instances i
                 where i.host_id = ? and not i.deleted and i.replica_of is null
                   and exists (select 1 from instances r where r.replica_of = i.id and not r.deleted)
                 order by i.created_at, i.id""")
                .param(hostId)
                .query((rs, n) -> new Master(rs.getObject("id", UUID.class), rs.getString("name"))).list();
    }

    private static HostRow row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new HostRow(rs.getString("id"), rs.getString("name"), rs.getString("address"),
                rs.getString("redis_version"), rs.getObject("last_heartbeat_at", OffsetDateTime.class),
                rs.getDouble("age"), rs.getObject("draining_since", OffsetDateTime.class), rs.getInt("masters"),
                rs.getInt("replicas"), rs.getInt("standalone"));
    }
}
