package org.redtrove.taskmanager.instances;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.ServerStatus;
import org.redtrove.common.ServiceStatus;
import org.redtrove.common.TaskStatus;
import org.redtrove.common.secrets.SecretBox;
import org.redtrove.taskmanager.TaskManagerSecrets;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes the instance rows the taskmanager changes while it runs jobs. */
@Repository
public class InstanceRepository {

    private static final String SELECT = """
            select i.id, i.project_id, i.name, i.flavor_id, f.ram_mb, i.task_status, i.server_status,
                   i.replica_of, i.replica_set_id, i.host_id, h.address, i.port, i.password, i.deleted, i.health
              from instances i
              join flavors f on f.id = i.flavor_id
              left join hosts h on h.id = i.host_id
            """;

    private final JdbcClient jdbc;
    private final SecretBox secrets;

    public InstanceRepository(JdbcClient jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    public Optional<Instance> find(UUID id) {
        return jdbc.sql(SELECT + " where i.id = ?").param(id).query(this::map).optional();
    }

    public Instance get(UUID id) {
        return find(id).orElseThrow(() -> new IllegalStateException("Instance " + id + " does not exist."));
    }

    public List<Instance> replicasOf(UUID sourceId) {
        return jdbc.sql(SELECT + " where i.replica_of = ? and not i.deleted order by i.created_at, i.id")
                .param(sourceId).query(this::map).list();
    }

    /** Every live member of the set, master included, oldest first. */
    public List<Instance> membersOf(UUID setId) {
        return jdbc.sql(SELECT + " where i.replica_set_id = ? and not i.deleted order by i.created_at, i.id")
                .param(setId).query(this::map).list();
    }

    /** The live members of the instance's set (the instance alone if it has none). */
    public List<Instance> setOf(UUID instanceId) {
        Instance instance = get(instanceId);
        return instance.replicaSetId() == null ? List.of(instance)
                : membersOf(instance.replicaSetId()).stream().filter(m -> !m.deleted()).toList();
    }

    public void place(UUID id, String hostId) {
        jdbc.sql("update instances set host_id = ?, updated_at = now() where id = ?").params(hostId, id).update();
    }

    public void setPort(UUID id, int port) {
        jdbc.sql("update instances set port = ?, updated_at = now() where id = ?").params(port, id).update();
    }

    public void setTask(UUID id, TaskStatus task) {
        jdbc.sql("update instances set task_status = ?, updated_at = now() where id = ?")
                .params(task.name(), id).update();
    }

    /** Sets the task only if it still is {@code expected} (a failover may have taken the instance over). */
    public void setTaskIf(UUID id, TaskStatus expected, TaskStatus task) {
        jdbc.sql("update instances set task_status = ?, updated_at = now() where id = ? and task_status = ?")
                .params(task.name(), id, expected.name()).update();
    }

    public void setTask(Collection<UUID> ids, TaskStatus task) {
        ids.forEach(id -> setTask(id, task));
    }

    public void setServerStatus(UUID id, ServerStatus status) {
        jdbc.sql("update instances set server_status = ?, updated_at = now() where id = ?")
                .params(status.name(), id).update();
    }

    /**
     * Marks the instance as ready: built, nothing running on it, no stale fault, and healthy, as the
     * job that calls this has just seen it (answering, or in sync with its master), for
     * {@link #HEALTH_GRACE_SECONDS}: the set supervisor's verdicts come from heartbeats, and on a
     * busy host the latest one recorded can predate the job's own look (its redis-server not started
     * yet, say), which showed the ready instance as ERROR until the next heartbeat.
     */
    public void markActive(UUID id) {
        jdbc.sql("""
                update instances set server_status = 'ACTIVE', task_status = 'NONE', fault_message = null,
                       fault_details = null, fault_created = null, health = 'HEALTHY', health_detail = null,
                       health_grace_until = now() + make_interval(secs => ?), updated_at = now() where id = ?""")
                .param(HEALTH_GRACE_SECONDS)
                .param(id).update();
    }

    public void setFault(UUID id, TaskStatus task, String message) {
        jdbc.sql("""
                update instances set task_status = ?, fault_message = ?, fault_created = now(), updated_at = now()
                 where id = ?""")
                .params(task.name(), message, id).update();
    }

    /**
     * The values of the configuration group attached to the instance (name → JSON value); empty
     * when it has none.
     */
    public java.util.Optional<java.util.Map<String, Object>> configurationValues(UUID id) {
        return jdbc.sql("""
                        select c."values"::text from instances i join configurations c on c.id = i.configuration_id
                         where i.id = ?""")
                .param(id).query(String.class).optional()
                .map(json -> org.redtrove.common.Wire.mapper().readValue(json,
                        new tools.jackson.core.type.TypeReference<java.util.Map<String, Object>>() { }));
    }

    /**
     * The instance's volume in bytes: the size it was created or resized with, else its flavor's
     * disk; empty when neither gives one (a flavor with no disk).
     */
    public java.util.Optional<Long> volumeBytes(UUID id) {
        return jdbc.sql("""
                        select coalesce(i.volume_size, f.disk_gb) from instances i join flavors f on f.id = i.flavor_id
                         where i.id = ?""")
                .param(id).query(Long.class).optional().filter(gb -> gb > 0).map(gb -> gb << 30);
    }

    /** A flavor's memory, as maxmemory takes it; empty for an unknown flavor. */
    public java.util.Optional<Long> flavorMemoryBytes(int flavorId) {
        return jdbc.sql("select ram_mb from flavors where id = ?").param(flavorId).query(Long.class).optional()
                .map(mb -> mb * 1024 * 1024);
    }

    /** After a resize: the new flavor or volume size (whichever is not null) on every member. */
    public void resized(java.util.Collection<UUID> ids, Integer flavorId, Integer volumeSizeGb) {
        if (flavorId != null) {
            jdbc.sql("update instances set flavor_id = :flavor, updated_at = now() where id in (:ids)")
                    .param("flavor", flavorId).param("ids", ids).update();
        }
        if (volumeSizeGb != null) {
            jdbc.sql("update instances set volume_size = :size, updated_at = now() where id in (:ids)")
                    .param("size", volumeSizeGb).param("ids", ids).update();
        }
    }

    public void clearFault(UUID id) {
        jdbc.sql("update instances set fault_message = null, fault_details = null, fault_created = null where id = ?")
                .param(id).update();
    }

    public void markDeleted(UUID id) {
        jdbc.sql("""
                update instances set deleted = true, deleted_at = now(), task_status = 'NONE',
                       server_status = 'SHUTDOWN', service_status = ?, updated_at = now() where id = ?""")
                .params(ServiceStatus.SHUTDOWN.name(), id).update();
        jdbc.sql("delete from heartbeats where instance_id = ?").param(id).update();
    }

    /** True when any of the instances has a task in progress (not NONE, not an error task). */
    public boolean anyBusy(Collection<UUID> ids) {
        return !ids.isEmpty() && jdbc.sql("""
                select exists (select 1 from instances where id in (:ids)
                                and task_status <> 'NONE' and task_status not like '%ERROR%')""")
                .param("ids", ids).query(Boolean.class).single();
    }

    /**
     * Like {@link #anyBusy}, except that a backup running does not count: a failover must not wait
     * for a snapshot, which may take minutes (the backup then fails if it lost its source).
     */
    public boolean anyBusyBesidesBackup(Collection<UUID> ids) {
        return !ids.isEmpty() && jdbc.sql("""
                select exists (select 1 from instances where id in (:ids)
                                and task_status not in ('NONE', 'BACKING_UP') and task_status not like '%ERROR%')""")
                .param("ids", ids).query(Boolean.class).single();
    }

    /** True when a job about any of the instances is still queued or running. */
    public boolean anyUnfinishedJob(Collection<UUID> ids) {
        return !ids.isEmpty() && jdbc.sql("""
                select exists (select 1 from jobs where instance_id in (:ids) and state in ('QUEUED', 'RUNNING'))""")
                .param("ids", ids).query(Boolean.class).single();
    }

    /**
     * Milliseconds since the last job on any of these instances finished, on the database's clock;
     * -1 if none ever did.
     */
    public long millisSinceLastJobFinished(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return -1;
        }
        return Math.round(jdbc.sql("""
                select coalesce(extract(epoch from now() - max(finished_at)) * 1000, -1)
                  from jobs where instance_id in (:ids)""")
                .param("ids", ids).query(Double.class).single());
    }

    /** Three heartbeats: a verdict after that is from a report sent after the job looked. */
    static final int HEALTH_GRACE_SECONDS = 3;

    /**
     * Records how the supervisor judges the member; answers whether that changed anything. Any
     * verdict but HEALTHY waits out the grace {@link #markActive} gave it: SYNCING from a report
     * of before the attach's end made a backup read the master instead of the in-sync replica.
     */
    public boolean setHealth(UUID id, Health health, String detail) {
        return jdbc.sql("""
                update instances set health = ?, health_detail = ?
                 where id = ? and (health <> ? or health_detail is distinct from ?)
                   and (? or health_grace_until is null or health_grace_until < now())""")
                .params(health.name(), detail, id, health.name(), detail, health == Health.HEALTHY).update() > 0;
    }

    private Instance map(ResultSet rs, int row) throws SQLException {
        return new Instance(rs.getObject("id", UUID.class), rs.getString("project_id"), rs.getString("name"),
                rs.getInt("flavor_id"), rs.getLong("ram_mb") * 1024 * 1024,
                TaskStatus.valueOf(rs.getString("task_status")), ServerStatus.valueOf(rs.getString("server_status")),
                rs.getObject("replica_of", UUID.class), rs.getObject("replica_set_id", UUID.class),
                rs.getString("host_id"), rs.getString("address"),
                (Integer) rs.getObject("port"), secrets.open(TaskManagerSecrets.INSTANCE_PASSWORD, rs.getString("password")), rs.getBoolean("deleted"),
                Health.valueOf(rs.getString("health")));
    }
}
