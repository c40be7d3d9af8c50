package org.redtrove.taskmanager.conductor;

import java.util.List;
import java.util.UUID;
import org.redtrove.common.ConductorMessage.Heartbeat;
import org.redtrove.common.ConductorMessage.HostRegistration;
import org.redtrove.common.InstanceReport;
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

    public Conductor(JdbcClient jdbc, ReplicationTaskDispatcher tasks) {
        this.jdbc = jdbc;
        this.tasks = tasks;
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

    @Transactional
    public void heartbeat(Heartbeat heartbeat) {
        int known = jdbc.sql("update hosts set last_heartbeat_at = now() where id = ?")
                .param(heartbeat.hostId()).update();
        if (known == 0) {
            return; // not registered yet; the guest registers again shortly
        }
        for (InstanceReport report : heartbeat.instances()) {
            record(heartbeat.hostId(), heartbeat.sentAt(), report);
        }
        for (ReplicationTaskReport task : heartbeat.tasks() == null ? List.<ReplicationTaskReport>of()
                : heartbeat.tasks()) {
            int rows = jdbc.sql("update replication_tasks set runtime = ?::jsonb, runtime_at = now() where id = ?")
                    .params(Wire.toJson(task), task.taskId()).update();
            if (rows == 0) {
                tasks.orphan(task.instanceId()); // its task was deleted: the dispatcher stops it there
            }
        }
    }

    private void record(String hostId, java.time.Instant sentAt, InstanceReport report) {
        String role = report.replication() == null ? null : report.replication().role();
        // When Redis last answered, in database time: the agent's own "sent at" minus "last
        // answered", both on the agent's clock, taken back from our now(). Skew cancels out.
        Double silentSeconds = report.lastAnswered() == null || sentAt == null ? null
                : Math.max(0, java.time.Duration.between(report.lastAnswered(), sentAt).toMillis()) / 1000.0;
        int rows = jdbc.sql("""
                insert into heartbeats (instance_id, host_id, received_at, state, role, report, running_at, persistent)
                select i.id, :host, now(), :state, :role, cast(:report as jsonb),
                       now() - make_interval(secs => cast(:silent as double precision)), :persistent
                  from instances i
                 where i.id = :id and not i.deleted and i.host_id = :host
                on conflict (instance_id) do update set host_id = excluded.host_id, received_at = now(),
                       state = excluded.state, role = excluded.role, report = excluded.report,
                       running_at = coalesce(excluded.running_at, heartbeats.running_at),
                       persistent = excluded.persistent""")
                .param("host", hostId).param("state", report.state().name()).param("role", role)
                .param("persistent", report.persistent())
                .param("report", Wire.toJson(report)).param("silent", silentSeconds)
                .param("id", report.instanceId())
                .update();
        if (rows == 0) {
            return; // an instance this host still runs but the database no longer has, or not yet placed
        }
        ServiceStatus service = switch (report.state()) {
            case RUNNING -> ServiceStatus.HEALTHY;
            case STARTING -> ServiceStatus.NEW;
            case UNRESPONSIVE, STOPPED, FAILED -> ServiceStatus.FAILED;
        };
        jdbc.sql("""
                update instances set service_status = ?, service_status_updated = now()
                 where id = ? and (service_status <> ? or service_status_updated is null
                                   or service_status_updated < now() - interval '10 seconds')""")
                .params(service.name(), report.instanceId(), service.name()).update();
        if (report.state() == RedisState.RUNNING) {
            // A standalone instance is ready once Redis answers. Replicas are made ACTIVE by their
            // attach job, and only once they are in sync (DESIGN.md decision 6).
            jdbc.sql("""
                    update instances set server_status = 'ACTIVE', updated_at = now()
                     where id = ? and server_status = 'BUILD' and replica_of is null""")
                    .param(report.instanceId()).update();
        }
    }

    static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    }
}
