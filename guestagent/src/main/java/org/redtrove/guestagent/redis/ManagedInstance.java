package org.redtrove.guestagent.redis;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import org.redtrove.guestagent.redis.InstanceDirectory.InstanceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance this agent owns: its files, its process, and the state it is reported in.
 *
 * <p>Process lifecycle, one transition per method: {@link #superviseProcess} starts the process when it
 * should run and is not alive (with backoff after crashes: STOPPED, then FAILED with the log tail after
 * {@value #FAILURES_BEFORE_FAILED} crashes in a row), {@link #record} turns a health probe into
 * RUNNING / STARTING / UNRESPONSIVE, {@link #adopt} takes over a process an earlier agent started, and
 * {@link #stopSupervising} hands the process over to be stopped for good.
 *
 * <p>Locking: the monitor guards the lifecycle fields and is never held while talking to Redis, so a
 * slow probe does not block another request. {@link #replicationLock} serialises changes of the
 * replication role (file rewrite plus live command) for this instance.
 */
final class ManagedInstance {

    static final int FAILURES_BEFORE_FAILED = 5;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How long a fresh process may stay silent before it counts as hung rather than starting. */
    private static final Duration START_GRACE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(ManagedInstance.class);

    final Object replicationLock = new Object();

    private final UUID id;
    private final InstanceDirectory dir;
    private final RedisEndpoint endpoint;
    private final ReplicationTracking tracking;
    private volatile InstanceRecord record;

    private RedisProcess process;
    private boolean shouldRun = true;
    private RedisState state = RedisState.STOPPED;
    private String detail = "not started yet";
    private int failuresInARow;
    private Instant nextStartAt = Instant.EPOCH;
    private boolean persistent = true;
    private Instant lastAnswered;
    private InstanceReport lastReport;

    ManagedInstance(InstanceRecord record, InstanceDirectory dir, RedisEndpoint endpoint) {
        this.id = record.id();
        this.record = record;
        this.dir = dir;
        this.endpoint = endpoint;
        ReplicationSettings.Upstream upstream = dir.readReplication().upstream();
        String master = upstream == null ? null : upstream.host() + ":" + upstream.port();
        boolean synced = master != null && master.equals(record.syncedWith());
        this.tracking = new ReplicationTracking(master, synced, this::rememberSync);
        this.lastReport = new InstanceReport(id, record.port(), state, detail, persistent, null, null);
    }

    UUID id() {
        return id;
    }

    int port() {
        return record.port();
    }

    InstanceDirectory dir() {
        return dir;
    }

    RedisEndpoint endpoint() {
        return endpoint;
    }

    ReplicationTracking tracking() {
        return tracking;
    }

    synchronized InstanceReport lastReport() {
        return lastReport;
    }

    synchronized Long pid() {
        return process != null && process.isAlive() ? process.pid() : null;
    }

    /** Called under the tracking lock, so the file always matches the tracking state. */
    private void rememberSync(String syncedWith) {
        InstanceRecord r = record;
        record = new InstanceRecord(r.id(), r.port(), r.maxmemoryBytes(), syncedWith);
        dir.writeRecord(record);
    }

    /** An earlier agent's redis-server is still serving this instance: watch it instead of starting one. */
    synchronized void adopt(RedisProcess running) {
        process = running;
        state = RedisState.STARTING;
        detail = "adopted running redis-server pid " + running.pid();
    }

    /** Prepare on an existing instance: whatever happened before, it should run now, and soon. */
    synchronized void wantRunning() {
        if (!shouldRun || state == RedisState.FAILED) {
            nextStartAt = Instant.EPOCH;
        }
        shouldRun = true;
    }

    /** Starts redis-server if it should run, is not alive, and its restart backoff has passed. */
    synchronized void superviseProcess(RedisBinary binary, Instant now) {
        if (!shouldRun || (process != null && process.isAlive())) {
            return;
        }
        if (process != null) {
            failuresInARow++;
            log.warn("redis-server of instance {} (pid {}) exited; restart {} in a row", id, process.pid(),
                    failuresInARow);
            process = null;
            nextStartAt = now.plus(backoff(failuresInARow));
            markDown("redis-server exited");
        }
        if (now.isBefore(nextStartAt)) {
            return;
        }
        try {
            process = RedisProcess.start(binary, dir);
            log.info("started redis-server for instance {} on port {} (pid {})", id, port(), process.pid());
            if (state != RedisState.FAILED) {
                state = RedisState.STARTING;
                detail = "redis-server started";
            }
        } catch (IOException e) {
            failuresInARow++;
            nextStartAt = now.plus(backoff(failuresInARow));
            markDown("could not start " + binary.path() + ": " + e.getMessage());
        }
        refreshReport(null);
    }

    private void markDown(String why) {
        if (failuresInARow >= FAILURES_BEFORE_FAILED) {
            state = RedisState.FAILED;
            detail = why + " (" + failuresInARow + " times in a row); last lines of redis.log:\n"
                    + dir.logTail(15);
        } else {
            state = RedisState.STOPPED;
            detail = why;
        }
    }

    /** First restart at once: most crashes are one-offs; a crash loop backs off to at most 30 s. */
    private static Duration backoff(int failures) {
        if (failures <= 1) {
            return Duration.ZERO;
        }
        long millis = 250L << Math.min(failures - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    /** Turns a health probe (taken without the lock, in tracking generation {@code generation}) into state. */
    synchronized InstanceReport record(Probe probe, long generation, Instant now) {
        if (process == null || !process.isAlive()) {
            refreshReport(null);
            return lastReport;
        }
        switch (probe.answer()) {
            case PONG -> {
                lastAnswered = now;
                state = RedisState.RUNNING;
                detail = null;
                failuresInARow = 0;
                persistent = probe.persistent();
            }
            case LOADING -> {
                state = RedisState.STARTING;
                detail = probe.error();
            }
            case AUTH_REFUSED -> {
                state = RedisState.UNRESPONSIVE;
                detail = probe.error();
            }
            case NO_ANSWER -> {
                boolean young = !process.adopted() && now.isBefore(process.startedAt().plus(START_GRACE));
                if (state != RedisState.FAILED) {
                    state = young ? RedisState.STARTING : RedisState.UNRESPONSIVE;
                    detail = young ? "redis-server started, not answering yet" : "no answer: " + probe.error();
                }
            }
        }
        refreshReport(probe.replication() == null ? null
                : tracking.observe(probe.replication(), generation, now.toEpochMilli()));
        return lastReport;
    }

    private void refreshReport(org.redtrove.common.ReplicationInfo replication) {
        lastReport = new InstanceReport(id, record.port(), state, detail, persistent, replication, lastAnswered);
    }

    /** Delete or agent shutdown: never start it again; the caller stops the returned process. */
    synchronized RedisProcess stopSupervising() {
        shouldRun = false;
        RedisProcess p = process;
        process = null;
        state = RedisState.STOPPED;
        detail = "stopped by the agent";
        refreshReport(null);
        return p;
    }
}
