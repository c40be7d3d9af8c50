package org.redtrove.api.jobs;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.api.web.Times;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Reads jobs for the extension routes. */
@Component
public class JobQueries {

    private final JdbcClient jdbc;
    private final JsonMapper mapper;

    public JobQueries(JdbcClient jdbc, JsonMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /**
     * What the newest unfinished job that works on the instance says of it: its own entry (a
     * replica of an attach job: {@code replica <name>}) or else the job's summary line. Empty when
     * no such job says anything.
     */
    public Optional<String> progressOf(UUID instanceId, String name) {
        return jdbc.sql("""
                        select coalesce(progress -> ('replica ' || :name) ->> 'text', progress ->> 'summary')
                        from jobs
                        where state in ('QUEUED', 'RUNNING')
                          and (instance_id = :id or params -> 'instanceIds' @> jsonb_build_array(cast(:idText as text)))
                        order by created_at desc limit 1""")
                .param("name", name).param("id", instanceId).param("idText", instanceId.toString())
                .query(String.class).list().stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** The jobs that target the instance, newest first. */
    public List<JobView> forInstance(UUID instanceId) {
        return jdbc.sql("""
                        select id, kind, state, step, error, created_at, updated_at, finished_at,
                               progress::text as progress
                        from jobs where instance_id = :id order by created_at desc, id""")
                .param("id", instanceId)
                .query((rs, n) -> new JobView(rs.getObject("id", UUID.class), rs.getString("kind"),
                        rs.getString("state"), rs.getString("step"), rs.getString("error"),
                        Times.format(rs.getObject("created_at", OffsetDateTime.class)),
                        Times.format(rs.getObject("updated_at", OffsetDateTime.class)),
                        Times.format(rs.getObject("finished_at", OffsetDateTime.class)),
                        mapper.readTree(rs.getString("progress"))))
                .list();
    }
}
