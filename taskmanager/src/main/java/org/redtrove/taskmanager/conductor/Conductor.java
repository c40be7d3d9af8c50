package org.redtrove.taskmanager.conductor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.common.ConductorMessage.HostRegistration;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.ServiceStatus;
import org.redtrove.common.Wire;
import org.redtrove.taskmanager.tasks.ReplicationTaskDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns what guest agents report into rows, as Trove's conductor does, so guests never hold
 * database credentials. Times are the database's own clock, never the guest's.
 */
@Service
public class Conductor {

    private static final Logger log = LoggerFactory.getLogger(Conductor.class);
    private static final UUID REDIS_DATASTORE = UUID.fromString("a7e1b8f0-5d1c-4c86-9f0e-1d3b2c4a5e60");

    private final JdbcClient jdbc;
    private final ReplicationTaskDispatcher tasks;
    private final HeartbeatMeters heartbeats;

    public Conductor(JdbcClient jdbc, ReplicationTaskDispatcher tasks, HeartbeatMeters heartbeats) {
        this.jdbc = jdbc;
        this.tasks = tasks;
        this.heartbeats = heartbeats;
    }

    /** Records the host, and the Redis version it runs as a datastore version users can choose. */
    @Transactional
    public void register(HostRegistration registration) {
        jdbc.sql("""
                insert into hosts (id, name, address, redis_version, registered_at, last_heartbeat_at)
                values (?, ?, ?, ?, now(), now())
                on conflict (id) do update set name = excluded.name, address = excluded.address,
                       redis_version = excluded.redis_version, last_heartbeat_at = now()""")
                .params(registration.hostId(), registration.hostName(), registration.address(),
                        registration.redisVersion())
                .update();
        String full = registration.redisVersion();
        if (full != null && !full.isBlank()) {
            String name = majorMinor(full);
            jdbc.sql("""
                    insert into datastore_versions (id, datastore_id, name, version_number)
                    values (?, ?, ?, ?)
                    on conflict (datastore_id, name) do update set version_number = excluded.version_number""")
                    .params(UUID.nameUUIDFromBytes(("redis-" + name).getBytes()), REDIS_DATASTORE, name, full)
                    .update();
            jdbc.sql("""
                    update datastores set default_version_id =
                           (select id from datastore_versions where datastore_id = ? and name = ?)
                     where id = ? and default_version_id is null""")
                    .params(REDIS_DATASTORE, name, REDIS_DATASTORE).update();
        }
        log.info("Host {} ({}, {}) registered with redis {}", registration.hostId(), registration.hostName(),
                registration.address(), registration.redisVersion());
    }

    /**
     * Three statements whatever the number of instances, in one transaction: the host's row (which
     * also says how long it was silent, whichever taskmanager took its previous heartbeat), the
     * statuses that changed, then every instance's heartbeat row. A heartbeat of 500 instances used
     * to be 1000 statements. Instance rows are locked before heartbeat rows, each in id order, as
     * jobs take them (a delete): the other way round, a heartbeat holding heartbeat rows while it
     * waited for instance rows deadlocked with them.
     */
    @Transactional
    public void heartbeat(ReceivedHeartbeat heartbeat) {
        long started = System.nanoTime();
        List<Double> gap = jdbc.sql("""
                update hosts h set last_heartbeat_at = now()
                  from (select id, last_heartbeat_at from hosts where id = ? for update) before
                 where h.id = before.id
                returning extract(epoch from now() - before.last_heartbeat_at)""")
                .param(heartbeat.hostId()).query(Double.class).list();
        if (gap.isEmpty()) {
            return; // not registered yet; the guest registers again shortly
        }
        heartbeats.received(heartbeat.hostId(), gap.get(0), heartbeat.instances().size());
        if (!heartbeat.instances().isEmpty()) {
            record(heartbeat);
        }
        for (ReplicationTaskReport task : heartbeat.tasks()) {
            int rows = jdbc.sql("update replication_tasks set runtime = ?::jsonb, runtime_at = now() where id = ?")
                    .params(Wire.toJson(task), task.taskId()).update();
            if (rows == 0) {
                tasks.orphan(task.instanceId()); // its task was deleted: the dispatcher stops it there
            }
        }
        heartbeats.handled(System.nanoTime() - started);
    }

    /**
     * Each report becomes its instance's heartbeat row, for instances placed on this host (not one
     * it still runs but the database no longer has, or not placed yet); the instance's service
     * status follows when it changed (or every 10 s, Trove's service_status_updated), and a
     * standalone instance is ACTIVE once Redis answers. Replicas are made ACTIVE by their attach
     * job, and only once they are in sync (DESIGN.md decision 6). The reports go to PostgreSQL in
     * the message's own JSON, each stored as the guest wrote it.
     */
    private void record(ReceivedHeartbeat heartbeat) {
        List<Map<String, Object>> statuses = new ArrayList<>(heartbeat.instances().size());
        for (ReceivedHeartbeat.Brief report : heartbeat.instances()) {
            statuses.add(Map.of("instance_id", report.instanceId(), "state", report.state().name(),
                    "service", serviceStatus(report.state()).name()));
        }
        jdbc.sql("""
                with r as (
                    select * from jsonb_to_recordset(cast(:rows as jsonb)) as x(instance_id uuid, state text, service text)
                ), due as (
                    select i.id, r.state, r.service,
                           r.state = 'RUNNING' and i.server_status = 'BUILD' and i.replica_of is null as built
                      from r join instances i on i.id = r.instance_id and not i.deleted and i.host_id = :host
                     where i.service_status <> r.service or i.service_status_updated is null
                        or i.service_status_updated < now() - interval '10 seconds'
                        or (r.state = 'RUNNING' and i.server_status = 'BUILD' and i.replica_of is null)
                     order by i.id
                       for update of i
                )
                update instances i
                   set service_status = due.service, service_status_updated = now(),
                       server_status = case when due.built then 'ACTIVE' else i.server_status end,
                       updated_at = case when due.built then now() else i.updated_at end
                  from due where i.id = due.id""")
                .param("rows", Wire.toJson(statuses)).param("host", heartbeat.hostId())
                .update();
        // When Redis last answered, in database time: the agent's own "sent at" minus "last
        // answered", both on the agent's clock, taken back from our now(). Skew cancels out.
        jdbc.sql("""
                insert into heartbeats (instance_id, host_id, received_at, state, role, report, running_at, persistent)
                select i.id, :host, now(), r.state, r.role, r.report, now() - make_interval(secs => r.silent),
                       r.persistent
                  from (select cast(x->>'instanceId' as uuid) as instance_id, x->>'state' as state,
                               x#>>'{replication,role}' as role, x as report,
                               case when x->>'lastAnswered' is null or cast(:sentAt as text) is null then null
                                    else greatest(0, cast(extract(epoch from cast(:sentAt as timestamptz)
                                        - cast(x->>'lastAnswered' as timestamptz)) as double precision)) end as silent,
                               coalesce(cast(x->>'persistent' as boolean), false) as persistent
                          from jsonb_array_elements(cast(:body as jsonb)->'instances') x) r
                  join instances i on i.id = r.instance_id and not i.deleted and i.host_id = :host
                 order by i.id
                on conflict (instance_id) do update set host_id = excluded.host_id, received_at = now(),
                       state = excluded.state, role = excluded.role, report = excluded.report,
                       running_at = coalesce(excluded.running_at, heartbeats.running_at),
                       persistent = excluded.persistent""")
                .param("body", heartbeat.json()).param("host", heartbeat.hostId())
                .param("sentAt", heartbeat.sentAt() == null ? null : heartbeat.sentAt().toString())
                .update();
    }

    private static ServiceStatus serviceStatus(RedisState state) {
        return switch (state) {
            case RUNNING -> ServiceStatus.HEALTHY;
            case STARTING -> ServiceStatus.NEW;
            case UNRESPONSIVE, STOPPED, FAILED -> ServiceStatus.FAILED;
        };
    }

    static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    }
}
