package org.redtrove.api.replications;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.Wire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads and writes replication_tasks rows, and finds the instances a task names. The JSON columns
 * are written and read here only, with the mapper of every process ({@link Wire}): the taskmanager
 * reads the same columns and writes runtime, which is decoded here and nowhere else in the api.
 * Locking reads ({@code ...ForUpdate}) must run in a transaction.
 */
@Repository
class ReplicationTaskRepository {

    private static final Logger log = LoggerFactory.getLogger(ReplicationTaskRepository.class);

    /** What the settings columns are given: resolved instances, a sealed password or null. */
    record Stored(UUID srcInstanceId, UUID dstInstanceId, String dstHost, List<String> entries,
                  Map<String, String> include, Map<String, String> exclude, Integer eachN, Double eachS,
                  ReplicationMode mode) {
    }

    /** What a write does to dst_password. */
    sealed interface PasswordChange {
        record Keep() implements PasswordChange {
        }

        /** @param sealed the new value; null for none */
        record Set(String sealed) implements PasswordChange {
        }
    }

    private static final String SELECT = """
            select id, project_id, name, src_instance_id, dst_instance_id, dst_host,
                   dst_password is not null as has_dst_password, entries::text as entries_json,
                   include::text as include_json, exclude::text as exclude_json, each_n, each_s, mode, provisioned,
                   runtime::text as runtime_json,
                   coalesce(runtime_at > now() - :freshMillis * interval '1 millisecond', false) as runtime_fresh,
                   created_at, updated_at
            from replication_tasks
            """;

    private final JdbcClient jdbc;
    private final long freshMillis;

    /**
     * @param activeWithin how recent the agent's last report must be for the task to count as active;
     *                     agents report with every heartbeat (a second apart), so a few missed ones
     */
    ReplicationTaskRepository(JdbcClient jdbc,
                              @Value("${redtrove.replication-tasks.active-within:5s}") Duration activeWithin) {
        this.jdbc = jdbc;
        this.freshMillis = activeWithin.toMillis();
    }

    /** A project's tasks by name (byte order, whatever the database's collation). */
    List<ReplicationTask> list(String projectId) {
        return jdbc.sql(SELECT + " where project_id = :project order by name collate \"C\"")
                .param("freshMillis", freshMillis).param("project", projectId).query(this::row).list();
    }

    Optional<ReplicationTask> find(String projectId, String name) {
        return jdbc.sql(SELECT + " where project_id = :project and name = :name")
                .param("freshMillis", freshMillis).param("project", projectId).param("name", name)
                .query(this::row).optional();
    }

    Optional<ReplicationTask> findForUpdate(String projectId, String name) {
        return jdbc.sql(SELECT + " where project_id = :project and name = :name for update")
                .param("freshMillis", freshMillis).param("project", projectId).param("name", name)
                .query(this::row).optional();
    }

    /** @throws org.springframework.dao.DuplicateKeyException when the project already has the name */
    void insert(UUID id, String projectId, String name, Stored settings, String sealedPassword, boolean provisioned) {
        jdbc.sql("""
                        insert into replication_tasks (id, project_id, name, src_instance_id, dst_instance_id,
                                                       dst_host, dst_password, entries, include, exclude, each_n,
                                                       each_s, mode, provisioned)
                        values (:id, :project, :name, :src, :dst, :dstHost, :dstPassword, cast(:entries as jsonb),
                                cast(:include as jsonb), cast(:exclude as jsonb), :eachN, :eachS, :mode,
                                :provisioned)""")
                .param("id", id).param("project", projectId).param("name", name)
                .params(settingsParams(settings))
                .param("dstPassword", sealedPassword).param("provisioned", provisioned)
                .update();
    }

    void updateSettings(UUID id, Stored settings, PasswordChange password, boolean provisioned) {
        boolean keep = password instanceof PasswordChange.Keep;
        jdbc.sql("""
                        update replication_tasks
                           set src_instance_id = :src, dst_instance_id = :dst, dst_host = :dstHost,
                               dst_password = case when :keep then dst_password else cast(:dstPassword as text) end,
                               entries = cast(:entries as jsonb), include = cast(:include as jsonb),
                               exclude = cast(:exclude as jsonb), each_n = :eachN, each_s = :eachS, mode = :mode,
                               provisioned = :provisioned, updated_at = now()
                         where id = :id""")
                .param("id", id).params(settingsParams(settings)).param("keep", keep)
                .param("dstPassword", password instanceof PasswordChange.Set set ? set.sealed() : null)
                .param("provisioned", provisioned)
                .update();
    }

    /** Marks every task but these not provisioned (these were marked when they were written). */
    void keepProvisionedOnly(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            jdbc.sql("update replication_tasks set provisioned = false where provisioned").update();
            return;
        }
        jdbc.sql("update replication_tasks set provisioned = false where provisioned and id not in (:ids)")
                .param("ids", ids).update();
    }

    void updateMode(UUID id, ReplicationMode mode) {
        jdbc.sql("update replication_tasks set mode = :mode, updated_at = now() where id = :id")
                .param("mode", mode.wire()).param("id", id).update();
    }

    void delete(UUID id) {
        jdbc.sql("delete from replication_tasks where id = :id").param("id", id).update();
    }

    /**
     * The non-deleted instances of the project a reference names: the one with that id, else the
     * ones with that name (instance names need not be unique, hence a list).
     */
    List<UUID> instances(String projectId, String reference) {
        UUID id = CatalogRepository.parseUuid(reference);
        if (id != null) {
            Optional<UUID> byId = jdbc.sql("""
                            select id from instances where id = :id and project_id = :project and not deleted""")
                    .param("id", id).param("project", projectId).query(UUID.class).optional();
            if (byId.isPresent()) {
                return List.of(byId.get());
            }
        }
        return jdbc.sql("""
                        select id from instances where name = :name and project_id = :project and not deleted
                        order by created_at, id""")
                .param("name", reference).param("project", projectId).query(UUID.class).list();
    }

    private static Map<String, Object> settingsParams(Stored settings) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("src", settings.srcInstanceId());
        params.put("dst", settings.dstInstanceId());
        params.put("dstHost", settings.dstHost());
        params.put("entries", Wire.toJson(settings.entries()));
        params.put("include", Wire.toJson(settings.include()));
        params.put("exclude", Wire.toJson(settings.exclude()));
        params.put("eachN", settings.eachN());
        params.put("eachS", settings.eachS());
        params.put("mode", settings.mode().wire());
        return params;
    }

    private ReplicationTask row(ResultSet rs, int n) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        return new ReplicationTask(id, rs.getString("project_id"), rs.getString("name"),
                rs.getObject("src_instance_id", UUID.class), rs.getObject("dst_instance_id", UUID.class),
                rs.getString("dst_host"), rs.getBoolean("has_dst_password"),
                strings(rs.getString("entries_json")), labels(rs.getString("include_json")),
                labels(rs.getString("exclude_json")), (Integer) rs.getObject("each_n"),
                (Double) rs.getObject("each_s"),
                // a mode a newer api wrote: show the task as not running rather than fail every read
                ReplicationMode.fromWire(rs.getString("mode")).orElse(ReplicationMode.DISABLED),
                rs.getBoolean("provisioned"), report(id, rs.getString("runtime_json")), rs.getBoolean("runtime_fresh"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }

    /** The agent's report, or null: one the api cannot read must not make the task unreadable. */
    private static ReplicationTaskReport report(UUID taskId, String json) {
        if (json == null) {
            return null;
        }
        try {
            return Wire.fromJson(json, ReplicationTaskReport.class);
        } catch (JacksonException e) {
            // the class only: the parser's message quotes the report
            log.warn("Replication task {} has a runtime report this api cannot read ({})", taskId,
                    e.getClass().getSimpleName());
            return null;
        }
    }

    private static List<String> strings(String json) {
        List<String> values = new ArrayList<>();
        Wire.mapper().readTree(json).values().forEach(v -> values.add(v.asString()));
        return values;
    }

    private static Map<String, String> labels(String json) {
        Map<String, String> values = new TreeMap<>(); // by label, not jsonb's order
        JsonNode tree = Wire.mapper().readTree(json);
        tree.properties().forEach(p -> values.put(p.getKey(), p.getValue().asString()));
        return values;
    }
}
