package org.redtrove.api.sets;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The api's side of replica sets: a new instance founds one, and every topology request locks its
 * set's row first (then the instances, master first), so that a request and the taskmanager's
 * automatic failover never both act on one set. Who is master is written by the taskmanager only.
 */
@Repository
public class ReplicaSetRepository {

    /** A set as the replica set route shows it. */
    public record SetRow(UUID id, String projectId, String name, UUID masterId, long epoch, String situation,
                         String analysis, OffsetDateTime analyzedAt, OffsetDateTime failoverBlockedUntil) {
    }

    private static final String SELECT = """
            select id, project_id, name, master_id, epoch, situation, analysis::text as analysis, analyzed_at,
                   failover_blocked_until from replica_sets
            """;

    private final JdbcClient jdbc;

    public ReplicaSetRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Founds the set of a new instance, named after it; a name the project's sets already use gets
     * a short suffix, since the name is what Sentinel clients ask for.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID found(String projectId, String name, UUID masterId) {
        UUID id = UUID.randomUUID();
        boolean taken = jdbc.sql("select exists (select 1 from replica_sets where project_id = ? and name = ?)")
                .params(projectId, name).query(Boolean.class).single();
        String unique = taken ? name + "-" + id.toString().substring(0, 8) : name;
        jdbc.sql("insert into replica_sets (id, project_id, name, master_id) values (?, ?, ?, ?)")
                .params(id, projectId, unique, masterId).update();
        return id;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void lock(UUID setId) {
        jdbc.sql("select id from replica_sets where id = ? for update").param(setId).query(UUID.class).optional();
    }

    public Optional<SetRow> find(UUID id) {
        return jdbc.sql(SELECT + " where id = ?").param(id).query(this::map).optional();
    }

    public Optional<SetRow> findByName(String projectId, String name) {
        return jdbc.sql(SELECT + " where project_id = ? and name = ?").params(projectId, name).query(this::map)
                .optional();
    }

    /** The sets of a project (every project's, for null), by name. */
    public List<SetRow> list(String projectId) {
        return jdbc.sql(SELECT + " where cast(? as text) is null or project_id = ? order by name")
                .params(projectId, projectId).query(this::map).list();
    }

    private SetRow map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new SetRow(rs.getObject("id", UUID.class), rs.getString("project_id"), rs.getString("name"),
                rs.getObject("master_id", UUID.class), rs.getLong("epoch"), rs.getString("situation"),
                rs.getString("analysis"), rs.getObject("analyzed_at", OffsetDateTime.class),
                rs.getObject("failover_blocked_until", OffsetDateTime.class));
    }
}
