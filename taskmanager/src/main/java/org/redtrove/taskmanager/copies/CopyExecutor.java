package org.redtrove.taskmanager.copies;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.redtrove.common.CopyOrder;
import org.redtrove.common.CopyProgress;
import org.redtrove.common.CopySpec;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.JobKind;
import org.redtrove.common.secrets.SecretBox;
import org.redtrove.taskmanager.TaskManagerSecrets;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Runs a COPY job through the guest agent of the source instance's host (of the target's, when the
 * source is a URL): it resolves both ends (a target instance is its set's master, looked up again at
 * every call, so a copy follows a failover), asks the agent to run the copy, and records what the
 * agent reports on the job twice a second. The agent keeps the copy's truth in its marker on the
 * target, so any crash, of this process, the agent, or a Redis, resumes it where the target stands.
 * A copy that cannot reach an end before it copied anything fails at once with that error; later,
 * it keeps trying for {@code redtrove.copies.retry-for}.
 */
@Component
class CopyExecutor implements JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(CopyExecutor.class);
    static final String URL_PASSWORD = "copies.password";
    /** Where the job's progress document holds the copy's figures. */
    public static final String PROGRESS_KEY = CopyProgress.PROGRESS_KEY;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_MILLIS = 500;

    private final JdbcClient jdbc;
    private final SecretBox secrets;
    private final GuestCalls guests;
    private final Duration retryFor;

    CopyExecutor(JdbcClient jdbc, SecretBox secrets, GuestCalls guests,
                 @Value("${redtrove.copies.retry-for:60s}") Duration retryFor) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.guests = guests;
        this.retryFor = retryFor;
    }

    @Override
    public JobKind kind() {
        return JobKind.COPY;
    }

    @Override
    public boolean longRunning() {
        return true;
    }

    @Override
    public void execute(JobContext context) {
        Job job = context.job();
        CopySpec spec = job.params().copy();
        if (spec == null) {
            throw new JobFailedException("The copy job carries no copy.");
        }
        long troubleSince = 0;
        String trouble = null;
        CopyProgress recorded = null;
        boolean everProgressed = context.recorded(PROGRESS_KEY).isPresent();
        while (true) {
            CopyProgress progress;
            try {
                Resolved source = resolve(spec.source(), spec.db(), false);
                Resolved target = resolve(spec.target(), spec.db(), true);
                Resolved runner = source.hostId() != null ? source : target;
                CopyOrder order = new CopyOrder(job.id(), source.endpoint(), target.endpoint(), spec);
                GuestReply reply = guests.callOnce(runner.hostId(),
                        new GuestRequest.RunCopy(runner.instanceId(), order), CALL_TIMEOUT);
                if (!reply.isOk()) {
                    throw new JobFailedException(reply.error());
                }
                progress = reply.copy();
            } catch (Waiting e) {
                progress = null;
                trouble = e.getMessage();
            } catch (JobFailedException e) {
                if (e instanceof Unrecoverable) {
                    throw e;
                }
                progress = null;
                trouble = e.getMessage(); // the guest did not answer: asked again
            }
            if (progress != null) {
                if (!Objects.equals(progress, recorded)) {
                    record(context, progress);
                    recorded = progress;
                }
                if (CopyProgress.SUCCEEDED.equals(progress.state())) {
                    log.info("Copy {}: {} keys copied, {} skipped, {} failed", job.id(), progress.copied(),
                            progress.skipped(), progress.failed());
                    return;
                }
                if (CopyProgress.FAILED.equals(progress.state())) {
                    throw new JobFailedException(progress.error());
                }
                if (progress.scanned() > 0) {
                    everProgressed = true;
                }
                if (CopyProgress.RETRYING.equals(progress.state())) {
                    trouble = progress.error();
                    if (!everProgressed) {
                        throw new JobFailedException(trouble); // an end it never reached: say so now
                    }
                } else {
                    trouble = null;
                    troubleSince = 0;
                }
            }
            if (trouble != null) {
                long now = System.currentTimeMillis();
                troubleSince = troubleSince == 0 ? now : troubleSince;
                if (now - troubleSince > retryFor.toMillis()) {
                    throw new JobFailedException(trouble + " (for " + retryFor.toSeconds() + " s; the copy stopped)");
                }
            }
            JobContext.sleep(POLL_MILLIS);
        }
    }

    @Override
    public void failed(Job job, String error) {
        // a copy changes no instance's status: its error is on the job, where the client reads it
    }

    /** The agent's report, as it is, under "copy": the api reads it back as a {@link CopyProgress}. */
    private static void record(JobContext context, CopyProgress p) {
        context.progress(PROGRESS_KEY, p);
    }

    /** Not yet possible (an instance still being built, or being moved): asked again. */
    private static final class Waiting extends RuntimeException {
        Waiting(String message) {
            super(message);
        }
    }

    /** Never possible (an instance deleted): the copy fails. */
    private static final class Unrecoverable extends JobFailedException {
        Unrecoverable(String message) {
            super(message);
        }
    }

    private record Resolved(CopyOrder.Endpoint endpoint, String hostId, UUID instanceId) {
    }

    private Resolved resolve(CopySpec.Side side, int db, boolean asTarget) {
        if (!side.isInstance()) {
            URI uri = URI.create(side.url());
            String path = uri.getPath();
            int urlDb = path != null && path.length() > 1 ? Integer.parseInt(path.substring(1)) : db;
            String password = side.sealedPassword() == null ? null : secrets.open(URL_PASSWORD, side.sealedPassword());
            return new Resolved(new CopyOrder.Endpoint(uri.getHost(), uri.getPort(), urlDb,
                    "rediss".equalsIgnoreCase(uri.getScheme()), password, side.shown()), null, null);
        }
        // a target instance is written through its set's master; a source is read where it is
        var rows = jdbc.sql("""
                        select m.id, m.port, m.password, m.host_id, h.address, i.deleted
                          from instances i
                          left join replica_sets s on s.id = i.replica_set_id
                          join instances m on m.id = case when :target then coalesce(s.master_id, i.id) else i.id end
                          left join hosts h on h.id = m.host_id
                         where i.id = :id""")
                .param("target", asTarget).param("id", side.instanceId())
                .query((rs, n) -> new Object[] {rs.getObject("id", UUID.class), rs.getObject("port"),
                        rs.getString("password"), rs.getString("host_id"), rs.getString("address"),
                        rs.getBoolean("deleted")})
                .list();
        String role = asTarget ? "target" : "source";
        if (rows.isEmpty() || (Boolean) rows.get(0)[5]) {
            throw new Unrecoverable("The " + role + " instance " + side.shown() + " was deleted.");
        }
        Object[] r = rows.get(0);
        if (r[1] == null || r[4] == null) {
            throw new Waiting("The " + role + " instance " + side.shown() + " has no address yet.");
        }
        String password = secrets.open(TaskManagerSecrets.INSTANCE_PASSWORD, (String) r[2]);
        return new Resolved(new CopyOrder.Endpoint((String) r[4], (Integer) r[1], db, false, password, side.shown()),
                (String) r[3], (UUID) r[0]);
    }
}
