package org.redtrove.api.configurations;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.Wire;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** Configuration groups as the configurations table stores them, with their datastore's names. */
@Repository
class ConfigurationRepository {

    /** One group, with how many live instances use it. */
    record Configuration(UUID id, String projectId, String name, String description, UUID datastoreVersionId,
                         String datastoreName, String versionName, Map<String, Object> values,
                         OffsetDateTime created, OffsetDateTime updated, int instanceCount) {
    }

    /** An instance using a group, and the set it belongs to. */
    record Member(UUID id, String name, UUID replicaSetId) {
    }

    private static final String SELECT = """
            select c.*, c."values"::text as values_json, d.name as datastore_name, v.name as version_name,
                   (select count(*) from instances i where i.configuration_id = c.id and not i.deleted) as instance_count
              from configurations c
              join datastore_versions v on v.id = c.datastore_version_id
              join datastores d on d.id = v.datastore_id
            """;

    private final JdbcClient jdbc;

    ConfigurationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID id, String projectId, String name, String description, UUID versionId, Map<String, Object> values) {
        jdbc.sql("""
                        insert into configurations (id, project_id, name, description, datastore_version_id, "values")
                        values (:id, :project, :name, :description, :version, cast(:values as jsonb))""")
                .param("id", id).param("project", projectId).param("name", name).param("description", description)
                .param("version", versionId).param("values", Wire.toJson(values)).update();
    }

    /** The group if this project owns it (any project's, for an admin: projectId null). */
    Optional<Configuration> find(String projectId, UUID id) {
        return jdbc.sql(SELECT + " where c.id = :id and (cast(:project as text) is null or c.project_id = :project)")
                .param("id", id).param("project", projectId).query(this::map).optional();
    }

    Optional<Configuration> findForUpdate(String projectId, UUID id) {
        return jdbc.sql("select id from configurations where id = :id and (cast(:project as text) is null"
                        + " or project_id = :project) for update")
                .param("id", id).param("project", projectId).query(UUID.class).optional()
                .flatMap(found -> find(projectId, found));
    }

    List<Configuration> list(String projectId) {
        return jdbc.sql(SELECT + " where cast(:project as text) is null or c.project_id = :project"
                        + " order by c.created_at desc, c.id")
                .param("project", projectId).query(this::map).list();
    }

    void update(UUID id, String name, String description, Map<String, Object> values) {
        jdbc.sql("""
                        update configurations set name = :name, description = :description,
                               "values" = cast(:values as jsonb), updated_at = now() where id = :id""")
                .param("id", id).param("name", name).param("description", description)
                .param("values", Wire.toJson(values)).update();
    }

    /** Deleted instances keep their rows, not their group: the reference goes first. */
    void delete(UUID id) {
        jdbc.sql("update instances set configuration_id = null where configuration_id = ? and deleted").param(id)
                .update();
        jdbc.sql("delete from configurations where id = ?").param(id).update();
    }

    List<Member> members(UUID id) {
        return jdbc.sql("""
                        select id, name, replica_set_id from instances
                         where configuration_id = ? and not deleted order by created_at, id""")
                .param(id).query((rs, n) -> new Member(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getObject("replica_set_id", UUID.class))).list();
    }

    private Configuration map(ResultSet rs, int n) throws SQLException {
        return new Configuration(rs.getObject("id", UUID.class), rs.getString("project_id"), rs.getString("name"),
                rs.getString("description"), rs.getObject("datastore_version_id", UUID.class),
                rs.getString("datastore_name"), rs.getString("version_name"),
                Wire.mapper().readValue(rs.getString("values_json"), new TypeReference<Map<String, Object>>() { }),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                rs.getInt("instance_count"));
    }
}
