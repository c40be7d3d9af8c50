package org.redtrove.taskmanager.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.redtrove.common.JobState;
import org.redtrove.common.Wire;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The job table, seen from the taskmanager. A job is run by whoever holds its lease; leases are
 * renewed while it runs, so a crashed taskmanager's jobs become claimable again once they lapse.
 */
@Repository
public class JobRepository {

    private final JdbcClient jdbc;

    public JobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Job> find(UUID id) {
        return jdbc.sql("select id, kind, project_id, instance_id, params::text as params, state, step, attempts"
                        + " from jobs where id = ?")
                .param(id).query(JobRepository::map).optional();
    }

    /**
     * Claims the job for {@code owner} unless it is finished or its lease is held, by another process
     * or by this one: a live lease is never taken over, so one job never runs twice at once.
     *
     * @return true when the caller may run the job now
     */
    public boolean claim(UUID id, String owner, Duration lease) {
        return jdbc.sql("""
                update jobs set state = 'RUNNING', lease_owner = :owner,
                       lease_until = now() + make_interval(secs => :secs), attempts = attempts + 1,
                       updated_at = now()
                 where id = :id and state in ('QUEUED', 'RUNNING')
                   and (lease_until is null or lease_until < now())""")
                .param("owner", owner).param("secs", lease.toSeconds()).param("id", id)
                .update() == 1;
    }

    /** Gives a running job up without a verdict: JobRecovery publishes it again at once. */
    public void release(UUID id, String owner) {
        jdbc.sql("update jobs set lease_until = now() - interval '1 second' where id = :id and lease_owner = :owner"
                + " and state = 'RUNNING'").param("id", id).param("owner", owner).update();
    }

    public void renew(List<UUID> ids, String owner, Duration lease) {
        for (UUID id : ids) {
            jdbc.sql("""
                    update jobs set lease_until = now() + make_interval(secs => :secs)
                     where id = :id and lease_owner = :owner and state = 'RUNNING'""")
                    .param("secs", lease.toSeconds()).param("id", id).param("owner", owner).update();
        }
    }

    public void stepDone(UUID id, String step) {
        jdbc.sql("""
                update jobs set step = ?, updated_at = now(),
                       progress = jsonb_set(progress, '{completedSteps}',
                                            coalesce(progress -> 'completedSteps', '[]'::jsonb) || to_jsonb(?::text))
                 where id = ?""")
                .params(step, step, id).update();
    }

    public java.util.Set<String> completedSteps(UUID id) {
        return new java.util.HashSet<>(jdbc.sql(
                        "select jsonb_array_elements_text(coalesce(progress -> 'completedSteps', '[]'::jsonb)) from jobs where id = ?")
                .param(id).query(String.class).list());
    }

    /** Merges one key into the job's progress document (shown to users through the jobs route). */
    public void recordProgress(UUID id, String key, Object value) {
        jdbc.sql("""
                update jobs set progress = progress || jsonb_build_object(?, ?::jsonb), updated_at = now()
                 where id = ?""")
                .params(key, Wire.toJson(value), id).update();
    }

    /** A value of the progress document as JSON text (a string comes back quoted), if recorded. */
    public Optional<String> progressValue(UUID id, String key) {
        return jdbc.sql("select (progress -> ?)::text from jobs where id = ?").params(key, id)
                .query(String.class).optional().filter(json -> json != null);
    }

    public void finish(UUID id, JobState state, String error) {
        jdbc.sql("""
                update jobs set state = ?, error = ?, finished_at = now(), updated_at = now(),
                       lease_owner = null, lease_until = null where id = ?""")
                .params(state.name(), error, id).update();
    }

    /**
     * Jobs nobody is working on although they are not finished: their message was lost (an
     * in-memory broker restarted) or their taskmanager died. They are published again.
     */
    public List<UUID> orphans(Duration queuedFor) {
        return jdbc.sql("""
                select id from jobs
                 where (state = 'RUNNING' and lease_until < now())
                    or (state = 'QUEUED' and updated_at < now() - make_interval(secs => ?)
                        and not exists (select 1 from outbox o where o.job_id = jobs.id and o.sent_at is null))
                 order by created_at limit 100""")
                .param(queuedFor.toSeconds()).query(UUID.class).list();
    }

    public void touch(UUID id) {
        jdbc.sql("update jobs set updated_at = now() where id = ?").param(id).update();
    }

    private static Job map(ResultSet rs, int row) throws SQLException {
        return new Job(rs.getObject("id", UUID.class), JobKind.valueOf(rs.getString("kind")),
                rs.getString("project_id"), rs.getObject("instance_id", UUID.class),
                Wire.fromJson(rs.getString("params"), JobParams.class), JobState.valueOf(rs.getString("state")),
                rs.getString("step"), rs.getInt("attempts"));
    }
}
