package org.redtrove.api.instances;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.TaskStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads and writes instance rows. Locking reads ({@code ...ForUpdate}) must run in a transaction. */
@Repository
class InstanceRepository {

    /**
     * What a new row holds; statuses start as BUILDING / BUILD / NEW, and a new replica's health
     * as SYNCING until the set supervisor sees it in sync.
     */
    record NewInstance(UUID id, String projectId, String name, int flavorId, UUID datastoreVersionId,
                       String password, Integer volumeSize, UUID replicaOf, UUID replicaSetId) {
    }

    private static final String SELECT = """
            select i.*, f.disk_gb, d.name as datastore_name, v.name as version_name, v.version_number,
                   h.address as host_address, s.name as set_name, s.epoch as set_epoch,
                   c.name as configuration_name,
                   cast(hb.report->'disk'->>'usedBytes' as bigint) as disk_used_bytes,
                   coalesce(cast(hb.report->'disk'->>'writesRefused' as boolean), false) as disk_writes_refused
            from instances i
            join flavors f on f.id = i.flavor_id
            join datastore_versions v on v.id = i.datastore_version_id
            join datastores d on d.id = v.datastore_id
            left join hosts h on h.id = i.host_id
            left join replica_sets s on s.id = i.replica_set_id
            left join configurations c on c.id = i.configuration_id
            left join heartbeats hb on hb.instance_id = i.id
            where not i.deleted
            """;

    private final JdbcClient jdbc;
    private final InstancePasswords passwords;

    InstanceRepository(JdbcClient jdbc, InstancePasswords passwords) {
        this.jdbc = jdbc;
        this.passwords = passwords;
    }

    Optional<InstanceRow> find(UUID id) {
        return jdbc.sql(SELECT + " and i.id = :id").param("id", id).query(this::row).optional();
    }

    Optional<InstanceRow> findForUpdate(UUID id) {
        return jdbc.sql(SELECT + " and i.id = :id for update of i").param("id", id)
                .query(this::row).optional();
    }

    /** The replicas of a source, locked in id order so that concurrent actions lock in one order. */
    List<InstanceRow> lockReplicas(UUID sourceId) {
        return jdbc.sql(SELECT + " and i.replica_of = :id order by i.id for update of i").param("id", sourceId)
                .query(this::row).list();
    }

    /** Every live member of a set, locked, in a stable order. */
    List<InstanceRow> lockMembers(UUID setId) {
        return jdbc.sql(SELECT + " and i.replica_set_id = :set order by i.id for update of i").param("set", setId)
                .query(this::row).list();
    }

    boolean hasReplicas(UUID id) {
        return jdbc.sql("select exists (select 1 from instances where replica_of = :id and not deleted)")
                .param("id", id).query(Boolean.class).single();
    }

    /** The project's instances of that name, oldest first (names need not be unique). */
    List<InstanceRow> named(String projectId, String name) {
        return jdbc.sql(SELECT + " and i.project_id = :project and i.name = :name order by i.created_at, i.id")
                .param("project", projectId).param("name", name).query(this::row).list();
    }

    /** Marks exactly these instances provisioned, every other one (deleted ones too) not. */
    void keepProvisionedOnly(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            jdbc.sql("update instances set provisioned = false where provisioned").update();
            return;
        }
        jdbc.sql("update instances set provisioned = (id in (:ids)) where provisioned or id in (:ids)")
                .param("ids", ids).update();
    }

    /** The replica ids of each given instance, oldest replica first. */
    Map<UUID, List<UUID>> replicaIds(Collection<UUID> ids) {
        Map<UUID, List<UUID>> result = new HashMap<>();
        if (ids.isEmpty()) {
            return result;
        }
        jdbc.sql("""
                        select id, replica_of from instances where replica_of in (:ids) and not deleted
                        order by created_at, id""")
                .param("ids", ids)
                .query(rs -> {
                    result.computeIfAbsent(rs.getObject("replica_of", UUID.class), k -> new ArrayList<>())
                            .add(rs.getObject("id", UUID.class));
                });
        return result;
    }

    /**
     * One page of instances, newest first. projectId null means every project (admins).
     * The marker is the last row of the previous page; limit + 1 rows are read to know if more follow.
     */
    List<InstanceRow> page(String projectId, InstanceRow marker, int limit) {
        StringBuilder sql = new StringBuilder(SELECT);
        Map<String, Object> params = new HashMap<>();
        if (projectId != null) {
            sql.append(" and i.project_id = :project");
            params.put("project", projectId);
        }
        if (marker != null) {
            sql.append(" and (i.created_at, i.id) < (:markerCreated, :markerId)");
            params.put("markerCreated", marker.createdAt());
            params.put("markerId", marker.id());
        }
        sql.append(" order by i.created_at desc, i.id desc limit :limit");
        params.put("limit", limit + 1);
        return jdbc.sql(sql.toString()).params(params).query(this::row).list();
    }

    /** clock_timestamp, not now(): replicas created in one transaction keep their creation order. */
    void insert(NewInstance instance) {
        jdbc.sql("""
                        insert into instances (id, project_id, name, flavor_id, datastore_version_id, task_status,
                                               server_status, service_status, replica_of, replica_set_id, health,
                                               password, volume_size, created_at, updated_at)
                        values (:id, :project, :name, :flavor, :version, 'BUILDING', 'BUILD', 'NEW', :replicaOf,
                                :set, :health, :password, :volume, clock_timestamp(), clock_timestamp())""")
                .param("id", instance.id()).param("project", instance.projectId()).param("name", instance.name())
                .param("flavor", instance.flavorId()).param("version", instance.datastoreVersionId())
                .param("replicaOf", instance.replicaOf()).param("password", passwords.seal(instance.password()))
                .param("volume", instance.volumeSize()).param("set", instance.replicaSetId())
                .param("health", instance.replicaOf() == null ? "HEALTHY" : "SYNCING")
                .update();
    }

    void setRestoredFrom(UUID id, UUID backupId) {
        jdbc.sql("update instances set restored_from = ? where id = ?").params(backupId, id).update();
    }

    void setTask(Collection<UUID> ids, TaskStatus task) {
        jdbc.sql("update instances set task_status = :task, updated_at = now() where id in (:ids)")
                .param("task", task.name()).param("ids", ids).update();
    }

    void rename(UUID id, String name) {
        jdbc.sql("update instances set name = :name, updated_at = now() where id = :id")
                .param("name", name).param("id", id).update();
    }

    /** True when the instance's latest heartbeat says it persists nothing (no AOF, no RDB saves). */
    boolean reportsNoPersistence(UUID id) {
        return jdbc.sql("select persistent from heartbeats where instance_id = ? and persistent is not null")
                .param(id).query(Boolean.class).optional().map(persistent -> !persistent).orElse(false);
    }

    private InstanceRow row(ResultSet rs, int n) throws SQLException {
        return new InstanceRow(
                rs.getObject("id", UUID.class), rs.getString("project_id"), rs.getString("name"),
                rs.getInt("flavor_id"), rs.getInt("disk_gb"), rs.getObject("datastore_version_id", UUID.class),
                rs.getString("datastore_name"), rs.getString("version_name"), rs.getString("version_number"),
                rs.getString("task_status"), rs.getString("server_status"), rs.getString("service_status"),
                rs.getObject("service_status_updated", OffsetDateTime.class),
                rs.getObject("replica_of", UUID.class), rs.getString("host_address"),
                (Integer) rs.getObject("port"), passwords.open(rs.getString("password")), (Integer) rs.getObject("volume_size"),
                rs.getString("fault_message"), rs.getString("fault_details"),
                rs.getObject("fault_created", OffsetDateTime.class),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                rs.getObject("replica_set_id", UUID.class), rs.getString("set_name"),
                (Long) rs.getObject("set_epoch"), rs.getString("health"), rs.getString("health_detail"),
                rs.getBoolean("provisioned"), rs.getObject("configuration_id", UUID.class),
                rs.getString("configuration_name"), (Long) rs.getObject("disk_used_bytes"),
                rs.getBoolean("disk_writes_refused"));
    }

    /** Every member of the set takes the group (null: none); they always share one. */
    void setConfiguration(UUID setId, UUID configurationId) {
        jdbc.sql("update instances set configuration_id = :c, updated_at = now() where replica_set_id = :set"
                        + " and not deleted").param("c", configurationId).param("set", setId).update();
    }

    /** New replicas take their source's group. */
    void inheritConfiguration(UUID sourceId, java.util.Collection<UUID> ids) {
        jdbc.sql("""
                        update instances set configuration_id = (select configuration_id from instances where id = :src)
                         where id in (:ids)""").param("src", sourceId).param("ids", ids).update();
    }
}
