package org.redtrove.api.backups;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Backups as the backups table keeps them, with their datastore's names. */
@Repository
class BackupRepository {

    /** One live backup. */
    record Backup(UUID id, String projectId, String name, String description, UUID instanceId,
                  UUID datastoreVersionId, String datastoreName, String versionName, String status,
                  String location, Long sizeBytes, String checksum, String failReason,
                  OffsetDateTime created, OffsetDateTime updated) {

        boolean running() {
            return "NEW".equals(status) || "BUILDING".equals(status);
        }
    }

    /** How a list is narrowed; null fields do not narrow it. */
    record Filter(String projectId, UUID instanceId, UUID datastoreId) {
    }

    private static final String SELECT = """
            select b.*, d.name as datastore_name, v.name as version_name
              from backups b
              join datastore_versions v on v.id = b.datastore_version_id
              join datastores d on d.id = v.datastore_id
             where not b.deleted
            """;

    private final JdbcClient jdbc;

    BackupRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID id, String projectId, String name, String description, UUID instanceId, UUID versionId) {
        jdbc.sql("""
                        insert into backups (id, project_id, name, description, instance_id, datastore_version_id, status,
                                             created_at, updated_at)
                        values (:id, :project, :name, :description, :instance, :version, 'NEW',
                                clock_timestamp(), clock_timestamp())""")
                .param("id", id).param("project", projectId).param("name", name).param("description", description)
                .param("instance", instanceId).param("version", versionId).update();
    }

    Optional<Backup> find(UUID id) {
        return jdbc.sql(SELECT + " and b.id = ?").param(id).query(this::map).optional();
    }

    Optional<Backup> findForUpdate(UUID id) {
        return jdbc.sql("select id from backups where id = ? and not deleted for update").param(id).query(UUID.class)
                .optional().flatMap(this::find);
    }

    /** Newest first. */
    List<Backup> list(Filter filter) {
        return jdbc.sql(SELECT + """
                         and (cast(:project as text) is null or b.project_id = :project)
                         and (cast(:instance as uuid) is null or b.instance_id = :instance)
                         and (cast(:datastore as uuid) is null or v.datastore_id = :datastore)
                         order by b.created_at desc, b.id""")
                .param("project", filter.projectId()).param("instance", filter.instanceId())
                .param("datastore", filter.datastoreId()).query(this::map).list();
    }

    private Backup map(ResultSet rs, int n) throws SQLException {
        return new Backup(rs.getObject("id", UUID.class), rs.getString("project_id"), rs.getString("name"),
                rs.getString("description"), rs.getObject("instance_id", UUID.class),
                rs.getObject("datastore_version_id", UUID.class), rs.getString("datastore_name"),
                rs.getString("version_name"), rs.getString("status"), rs.getString("location"),
                (Long) rs.getObject("size_bytes"), rs.getString("checksum"), rs.getString("fail_reason"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
