package org.redtrove.api.quotas;

import java.util.EnumMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Quota limits as operators set them, and what a project uses, counted from its instance rows. */
@Repository
class QuotaRepository {

    /** The first key of this feature's advisory locks; the second is the project's hash. */
    private static final int LOCK_NAMESPACE = 72_010;

    private final JdbcClient jdbc;

    QuotaRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The limits set for the project; resources without a row are absent. */
    Map<QuotaResource, Integer> setLimits(String projectId) {
        Map<QuotaResource, Integer> limits = new EnumMap<>(QuotaResource.class);
        jdbc.sql("select resource, hard_limit from quotas where project_id = :project")
                .param("project", projectId)
                .query(rs -> {
                    QuotaResource resource = QuotaResource.ofWireName(rs.getString("resource"));
                    if (resource != null) {
                        limits.put(resource, rs.getInt("hard_limit"));
                    }
                });
        return limits;
    }

    void setLimit(String projectId, QuotaResource resource, int limit) {
        jdbc.sql("""
                        insert into quotas (project_id, resource, hard_limit) values (:project, :resource, :limit)
                        on conflict (project_id, resource) do update set hard_limit = excluded.hard_limit""")
                .param("project", projectId).param("resource", resource.wireName()).param("limit", limit).update();
    }

    /**
     * What the project uses now. An instance being deleted no longer counts: Trove gives its quota
     * back when the delete is accepted.
     */
    Map<QuotaResource, Long> usage(String projectId) {
        Map<QuotaResource, Long> usage = new EnumMap<>(QuotaResource.class);
        jdbc.sql("""
                        select count(*) as instances,
                               count(*) filter (where i.replica_of is not null) as replicas,
                               coalesce(sum(f.ram_mb), 0) as ram,
                               coalesce(sum(i.volume_size), 0) as volumes
                        from instances i join flavors f on f.id = i.flavor_id
                        where i.project_id = :project and not i.deleted and i.task_status <> 'DELETING'""")
                .param("project", projectId)
                .query(rs -> {
                    usage.put(QuotaResource.INSTANCES, rs.getLong("instances"));
                    usage.put(QuotaResource.REPLICAS, rs.getLong("replicas"));
                    usage.put(QuotaResource.RAM, rs.getLong("ram"));
                    usage.put(QuotaResource.VOLUMES, rs.getLong("volumes"));
                });
        usage.put(QuotaResource.BACKUPS, jdbc.sql("select count(*) from backups where project_id = ? and not deleted")
                .param(projectId).query(Long.class).single());
        return usage;
    }

    /**
     * Holds the project's quota lock until the transaction ends. Usage is counted from rows, so two
     * creates that both counted before either inserted would both pass; under the lock the second
     * counts only after the first has committed (or rolled back).
     */
    void lock(String projectId) {
        jdbc.sql("select pg_advisory_xact_lock(:namespace, hashtext(:project))")
                .param("namespace", LOCK_NAMESPACE).param("project", projectId)
                .query((rs, n) -> 1).single();
    }
}
