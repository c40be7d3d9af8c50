package org.redtrove.benchmarks.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.JobKind;
import org.redtrove.deploy.ProcessStack;

/**
 * What the chaos run checks that the API does not show: every job finished, no instance left in a
 * transitional status, read from the stack's own database. Every read retries while the database
 * is away, since the run restarts it on purpose.
 */
final class StackChecks {

    record JobRow(UUID id, String state, String step, String error) {
        boolean finished() {
            return !state.equals("QUEUED") && !state.equals("RUNNING");
        }
    }

    private final ProcessStack stack;

    StackChecks(ProcessStack stack) {
        this.stack = stack;
    }

    /** The database's clock: jobs are found by their created_at, which it wrote. */
    Timestamp now() throws Exception {
        return retrying(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("select now()")) {
                rs.next();
                return rs.getTimestamp(1);
            }
        });
    }

    /** The newest job of {@code kind} created since {@code since}, once it is finished, or as it is then. */
    Optional<JobRow> awaitJob(JobKind kind, Timestamp since, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<JobRow> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            last = newestJob(kind, since);
            if (last.isPresent() && last.get().finished()) {
                return last;
            }
            Thread.sleep(250);
        }
        return last;
    }

    private Optional<JobRow> newestJob(JobKind kind, Timestamp since) throws Exception {
        return retrying(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    select id, state, step, error from jobs where kind = ? and created_at >= ?
                     order by created_at desc limit 1""")) {
                s.setString(1, kind.name());
                s.setTimestamp(2, since);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(new JobRow(rs.getObject(1, UUID.class), rs.getString(2),
                            rs.getString(3), rs.getString(4))) : Optional.empty();
                }
            }
        });
    }

    /** The host an instance was placed on, or null before placement. */
    String hostOf(String instanceId) throws Exception {
        return retrying(c -> {
            try (PreparedStatement s = c.prepareStatement("select host_id from instances where id = ?")) {
                s.setObject(1, UUID.fromString(instanceId));
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /**
     * Waits until no job is queued or running and no instance is in a transitional status;
     * answers what is still stuck after {@code timeout} (empty when all is quiet).
     */
    List<String> awaitQuiet(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> stuck = stuck();
        while (!stuck.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            stuck = stuck();
        }
        return stuck;
    }

    private List<String> stuck() throws Exception {
        return retrying(c -> {
            List<String> found = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("""
                    select kind, id, state, coalesce(step, '-') from jobs where state in ('QUEUED', 'RUNNING')""")) {
                while (rs.next()) {
                    found.add("job " + rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3)
                            + " after step " + rs.getString(4));
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("""
                    select name, server_status, task_status from instances
                     where not deleted and (server_status in ('BUILD', 'SHUTDOWN')
                        or (task_status <> 'NONE' and task_status not like '%ERROR%'))""")) {
                while (rs.next()) {
                    found.add("instance " + rs.getString(1) + " " + rs.getString(2) + "/" + rs.getString(3));
                }
            }
            return found;
        });
    }

    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T retrying(Query<T> query) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Connection c = stack.connect()) {
                return query.run(c);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
