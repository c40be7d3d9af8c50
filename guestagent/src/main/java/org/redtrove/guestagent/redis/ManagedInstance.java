package org.redtrove.guestagent.redis;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.redtrove.common.Fencing;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.guestagent.redis.InstanceDirectory.InstanceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One instance this agent owns: its files, its process, and the state it is reported in.
 *
 * <p>Process lifecycle, one transition per method: {@link #superviseProcess} starts the process when it
 * should run and is not alive (with backoff after crashes: STOPPED, then FAILED with the log tail after
 * {@value #FAILURES_BEFORE_FAILED} crashes in a row), or holds a crashed master with holdRestart for
 * the taskmanager; {@link #record} turns a health probe into RUNNING / STARTING / UNRESPONSIVE,
 * {@link #pinged} and {@link #checkSilence} do the same from the liveness pinger between probes,
 * {@link #adopt} takes over a process an earlier agent started, {@link #releaseHold} lets a held
 * instance start again, {@link #killForRestart} replaces a hung process, and {@link #stopSupervising}
 * hands the process over to be stopped for good. Every transition of state, hold or role is
 * announced through {@link Events#changed}, so the heartbeat goes out at once.
 *
 * <p>Locking: the monitor guards the lifecycle fields and is never held while talking to Redis, so a
 * slow probe does not block another request. {@link #replicationLock} serialises changes of the
 * replication role and of the users (file rewrite plus live command) for this instance.
 */
final class ManagedInstance {

    /** What the host does about an instance's events. Called with the monitor held: must not block. */
    interface Events {
        /** The process exited (or the pinger found it gone): supervise it now, not at the next tick. */
        void processGone(ManagedInstance instance);

        /** State, hold or role changed: report at once. */
        void changed(ManagedInstance instance);

        /** Redis answered the pinger while not reported RUNNING: probe it now for the full report. */
        void answering(ManagedInstance instance);
    }

    static final int FAILURES_BEFORE_FAILED = 5;
    static final String HELD_DETAIL = "redis-server exited; held: a master with holdRestart waits for "
            + "the taskmanager (Prepare restarts it, Follow or BecomeMaster re-point and restart it)";
    static final String HELD_UNWATCHED_DETAIL = "redis-server died while no agent was watching (its pid "
            + "file remains); held: a master with holdRestart waits for the taskmanager (Prepare "
            + "restarts it, Follow or BecomeMaster re-point and restart it)";
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How long a fresh process may stay silent before it counts as hung rather than starting. */
    private static final Duration START_GRACE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(ManagedInstance.class);

    final Object replicationLock = new Object();
    /** instance.json has two writers (tracking and role changes) under different locks. */
    private final Object recordLock = new Object();

    private final UUID id;
    private final InstanceDirectory dir;
    private final String connectHost;
    private final Duration timeout;
    private final ReplicationTracking tracking;
    private final Events events;
    private volatile InstanceRecord record;
    private volatile RedisUsers users;
    private volatile ReplicationSettings replication;
    private volatile RedisEndpoint endpoint;
    /** The last {@link DiskBudget} check; null while the instance has no volume. */
    private volatile InstanceReport.Disk disk;

    private RedisProcess process;
    private boolean shouldRun = true;
    private boolean held;
    private boolean exitExpected;
    private RedisState state = RedisState.STOPPED;
    private String detail = "not started yet";
    private int failuresInARow;
    private Instant nextStartAt = Instant.EPOCH;
    private boolean persistent = true;
    private Instant lastAnswered;
    private ReplicationInfo replicationInfo;
    /** The last answered probe's load figures; null whenever {@link #replicationInfo} is. */
    private InstanceReport.Usage usage;
    private String lastRole;
    private String announced;
    private final MasterAnswers masterAnswers;

    ManagedInstance(InstanceRecord record, InstanceDirectory dir, String connectHost, Duration timeout,
                    Events events) {
        this.id = record.id();
        this.record = record;
        this.dir = dir;
        this.connectHost = connectHost;
        this.timeout = timeout;
        this.events = events;
        this.users = dir.readUsers();
        this.replication = dir.readReplication();
        this.endpoint = endpointFor(users);
        ReplicationSettings.Upstream upstream = replication.upstream();
        this.masterAnswers = new MasterAnswers(upstream == null ? null : upstream.endpoint(timeout),
                System.currentTimeMillis());
        String master = upstream == null ? null : upstream.host() + ":" + upstream.port();
        boolean synced = master != null && master.equals(record.syncedWith());
        this.tracking = new ReplicationTracking(master, synced, this::rememberSync);
    }

    private RedisEndpoint endpointFor(RedisUsers u) {
        return new RedisEndpoint(connectHost, record.port(), u.agentLoginUser(), u.agentLoginPassword(), timeout);
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

    InstanceRecord record() {
        return record;
    }

    RedisUsers users() {
        return users;
    }

    InstanceReport.Disk disk() {
        return disk;
    }

    /** Holds the data files to the volume ({@link DiskBudget}); an error is reported, not thrown. */
    void checkDisk() {
        try {
            disk = DiskBudget.check(this);
        } catch (GuestOperationException e) {
            log.debug("instance {}: disk check failed: {}", id, e.getMessage());
        }
    }

    /** The volume's size, kept in instance.json; the next check holds the files to it. */
    void limitDisk(long budgetBytes) {
        updateRecord(r -> r.withDiskBudget(budgetBytes));
        checkDisk();
    }

    ReplicationSettings replication() {
        return replication;
    }

    /** The master this replica follows per its file, reached with the replica's own credentials. */
    RedisEndpoint masterEndpoint() {
        return masterAnswers.master();
    }

    /** What the last probe read of the instance's replication; null while it is not running. */
    synchronized ReplicationInfo replicationInfo() {
        return replicationInfo;
    }

    synchronized Long pid() {
        return process != null && process.isAlive() ? process.pid() : null;
    }

    synchronized boolean held() {
        return held;
    }

    // ---- files: each write keeps the cached copy in step ------------------------------------------

    /** Caller holds {@link #replicationLock}. */
    void writeReplication(ReplicationSettings settings) {
        dir.writeReplication(settings);
        replication = settings;
        ReplicationSettings.Upstream upstream = settings.upstream();
        masterAnswers.pointedAt(upstream == null ? null : upstream.endpoint(timeout), System.currentTimeMillis());
    }

    /** Caller holds {@link #replicationLock}; from now on the agent logs in as {@code u} says. */
    void writeUsers(RedisUsers u) {
        dir.writeUsers(u);
        users = u;
        endpoint = endpointFor(u);
    }

    void rememberMembership(Membership membership) {
        updateRecord(r -> r.withMembership(membership));
    }

    void rememberHoldRestart(boolean holdRestart) {
        updateRecord(r -> r.withHoldRestart(holdRestart));
    }

    /**
     * A new maxmemory: the record and redis.conf first, so that a restart at any moment comes back
     * with it, then live with CONFIG SET (with the backlog sized from it), with no restart.
     */
    void resize(long maxmemoryBytes) {
        updateRecord(r -> r.withMaxmemory(maxmemoryBytes));
        dir.rewriteMemoryLimits(maxmemoryBytes);
        withRedis(jedis -> {
            jedis.configSet("maxmemory", Long.toString(maxmemoryBytes));
            jedis.configSet("repl-backlog-size", Long.toString(InstanceDirectory.backlogBytes(maxmemoryBytes)));
            return null;
        });
        log.info("instance {} resized: maxmemory {} bytes", id, maxmemoryBytes);
    }

    /** The tenant's parameters: the file first (a restart keeps them), then live. */
    void configure(java.util.Map<String, String> values) {
        dir.writeTenantConf(values);
        withRedis(jedis -> {
            values.forEach(jedis::configSet);
            return null;
        });
        log.info("instance {} configured: {} tenant parameters", id, values.size());
    }

    /**
     * A restart asked for: SIGTERM (Redis flushes its AOF and exits), then the supervisor starts it
     * again from its files at once. Not counted as a crash and never held, whatever its role.
     *
     * @return the process stopped, for the caller to wait on; null if none ran
     */
    RedisProcess stopForRestart() {
        RedisProcess victim;
        synchronized (this) {
            victim = process;
            if (victim == null || !victim.isAlive()) {
                return null;
            }
            exitExpected = true;
        }
        log.info("restarting redis-server of instance {} (pid {}) as asked", id, victim.pid());
        return victim;
    }

    /** Called under the tracking lock, so the file always matches the tracking state. */
    private void rememberSync(String syncedWith) {
        updateRecord(r -> r.withSyncedWith(syncedWith));
    }

    private void updateRecord(UnaryOperator<InstanceRecord> change) {
        synchronized (recordLock) {
            InstanceRecord next = change.apply(record);
            dir.writeRecord(next);
            record = next;
        }
    }

    // ---- talking to Redis ------------------------------------------------------------------------

    /** Runs {@code action} on a fresh connection as the agent; a Redis error becomes a guest error. */
    <T> T withRedis(Function<Jedis, T> action) {
        RedisEndpoint target = endpoint;
        try (Jedis jedis = target.open()) {
            return action.apply(jedis);
        } catch (JedisException e) {
            throw new GuestOperationException("instance " + id + " (" + target + "): " + e.getMessage(), e);
        }
    }

    /** {@link #withRedis} for an action without a result. */
    void runOnRedis(Consumer<Jedis> action) {
        withRedis((Function<Jedis, Void>) jedis -> {
            action.accept(jedis);
            return null;
        });
    }

    // ---- process lifecycle -----------------------------------------------------------------------

    /** An earlier agent's redis-server is still serving this instance: watch it instead of starting one. */
    synchronized void adopt(RedisProcess running) {
        process = running;
        state = RedisState.STARTING;
        detail = "adopted running redis-server pid " + running.pid();
        watchExit(running);
        announce();
    }

    /**
     * At agent start, with no redis-server running: a master with holdRestart whose Redis died unseen
     * is held as if the agent had seen it die. Answers whether it is held.
     */
    synchronized boolean holdIfDiedUnwatched() {
        if (holdsWhenDown() && dir.pidFileLeftBehind()) {
            held = true;
            state = RedisState.STOPPED;
            detail = HELD_UNWATCHED_DETAIL;
            announce();
        }
        return held;
    }

    /** Prepare on an existing instance: whatever happened before (a hold included), it should run now. */
    synchronized void wantRunning() {
        if (!shouldRun || state == RedisState.FAILED || held) {
            nextStartAt = Instant.EPOCH;
        }
        shouldRun = true;
        held = false;
    }

    /** Follow or BecomeMaster on a held instance: it may start again. Answers whether it was held. */
    synchronized boolean releaseHold() {
        if (!held) {
            return false;
        }
        held = false;
        nextStartAt = Instant.EPOCH;
        return true;
    }

    /**
     * Starts redis-server if it should run, is not alive, is not held, and its restart backoff has
     * passed. An exit it did not expect holds a master with holdRestart: its replicas may have writes
     * its AOF lost, and restarting it on our own would wipe them by a full sync.
     */
    synchronized void superviseProcess(RedisBinary binary, Instant now) {
        if (!shouldRun || held || (process != null && process.isAlive())) {
            return;
        }
        if (process != null) {
            long pid = process.pid();
            process = null;
            replicationInfo = null;
            if (exitExpected) {
                exitExpected = false;
                nextStartAt = Instant.EPOCH;
                log.info("redis-server of instance {} (pid {}) killed by the agent; starting it from its files", id, pid);
            } else if (holdsWhenDown()) {
                held = true;
                state = RedisState.STOPPED;
                detail = HELD_DETAIL;
                log.warn("redis-server of instance {} (pid {}) exited; held for the taskmanager", id, pid);
                announce();
                return;
            } else {
                failuresInARow++;
                log.warn("redis-server of instance {} (pid {}) exited; restart {} in a row", id, pid, failuresInARow);
                nextStartAt = now.plus(backoff(failuresInARow));
                markDown("redis-server exited");
            }
        }
        if (!now.isBefore(nextStartAt)) {
            start(binary, now);
        }
        announce();
    }

    private void start(RedisBinary binary, Instant now) {
        try {
            process = RedisProcess.start(binary, dir);
            log.info("started redis-server for instance {} on port {} (pid {})", id, port(), process.pid());
            if (state != RedisState.FAILED) {
                state = RedisState.STARTING;
                detail = "redis-server started";
            }
            watchExit(process);
        } catch (IOException e) {
            failuresInARow++;
            nextStartAt = now.plus(backoff(failuresInARow));
            markDown("could not start " + binary.path() + ": " + e.getMessage());
        }
    }

    /** An exit is noticed when it happens, not at the next supervision tick. */
    private void watchExit(RedisProcess watched) {
        watched.onExit(() -> events.processGone(this));
    }

    /** Whether an exit now would be held: a master per its file, with holdRestart. */
    private boolean holdsWhenDown() {
        return record.holdRestart() && replication.upstream() == null;
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

    /**
     * SIGKILL for a Redis that does not answer, waiting until it is gone; the supervisor then starts
     * it from its files. Not counted as a crash, and never held: the caller has just rewritten the
     * files to say what it must come back as.
     */
    void killForRestart() {
        RedisProcess victim;
        synchronized (this) {
            victim = process;
            if (victim == null || !victim.isAlive()) {
                return;
            }
            exitExpected = true;
        }
        log.warn("instance {} does not answer; killing redis-server pid {} to restart it from its files",
                id, victim.pid());
        victim.kill();
    }

    /** Delete or agent shutdown: never start it again; the caller stops the returned process. */
    synchronized RedisProcess stopSupervising() {
        shouldRun = false;
        held = false;
        RedisProcess p = process;
        process = null;
        state = RedisState.STOPPED;
        detail = "stopped by the agent";
        replicationInfo = null;
        return p;
    }

    // ---- health ----------------------------------------------------------------------------------

    /** Turns a health probe (taken without the lock, in tracking generation {@code generation}) into state. */
    synchronized InstanceReport record(Probe probe, long generation, Instant now) {
        if (process == null || !process.isAlive()) {
            replicationInfo = null;
            return report();
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
                // Young: started lately and never answered yet. One that answered and then went
                // silent is hung, however young.
                boolean young = !process.adopted() && now.isBefore(process.startedAt().plus(START_GRACE))
                        && (lastAnswered == null || lastAnswered.isBefore(process.startedAt()));
                if (state != RedisState.FAILED) {
                    state = young ? RedisState.STARTING : RedisState.UNRESPONSIVE;
                    detail = young ? "redis-server started, not answering yet" : "no answer: " + probe.error();
                }
            }
        }
        replicationInfo = probe.replication() == null ? null
                : tracking.observe(probe.replication(), generation, now.toEpochMilli());
        usage = replicationInfo == null ? null : probe.usage();
        announce();
        return report();
    }

    /** One answer (or none) of the liveness pinger's PING. */
    synchronized void pinged(Probe.Answer answer, Instant now) {
        if (process != null && !process.isAlive()) {
            events.processGone(this);
        } else if (answer == Probe.Answer.PONG) {
            lastAnswered = now;
            if (state != RedisState.RUNNING) {
                events.answering(this);
            }
        }
    }

    /**
     * Between probes, a RUNNING Redis silent for {@code unresponsiveAfter} becomes UNRESPONSIVE now,
     * from the pinger's clock, rather than when a probe's own timeout runs out.
     */
    synchronized void checkSilence(Instant now, Duration unresponsiveAfter) {
        if (state == RedisState.RUNNING && lastAnswered != null
                && Duration.between(lastAnswered, now).compareTo(unresponsiveAfter) >= 0) {
            state = RedisState.UNRESPONSIVE;
            detail = "no answer for " + Duration.between(lastAnswered, now).toMillis() + " ms";
            replicationInfo = null;
            announce();
        }
    }

    /** Whether Redis has answered the agent's PING after {@code epochMillis}. */
    synchronized boolean answeredSince(long epochMillis) {
        return lastAnswered != null && lastAnswered.toEpochMilli() > epochMillis;
    }

    /** The master pinger's result for {@code target}; ignored if the replica was re-pointed meanwhile. */
    void masterPinged(RedisEndpoint target, boolean answered, long nowMillis) {
        if (answered) {
            masterAnswers.answered(target, nowMillis);
        }
    }

    /**
     * Worth a heartbeat every suspect interval: down or held, silent for longer than {@code after}
     * itself, or, for a replica, its master silent that long.
     */
    synchronized boolean suspect(long nowMillis, Duration after) {
        if (held || state == RedisState.STOPPED || state == RedisState.UNRESPONSIVE) {
            return true;
        }
        if (state == RedisState.RUNNING && lastAnswered != null
                && nowMillis - lastAnswered.toEpochMilli() > after.toMillis()) {
            return true;
        }
        return masterAnswers.silentFor(after.toMillis(), nowMillis);
    }

    /** The report as of now: the last probe's INFO, the pinger's figures at this instant. */
    synchronized InstanceReport report() {
        ReplicationInfo r = replicationInfo;
        if (r != null && r.isReplica()) {
            long since = masterAnswers.millisSinceAnswered(System.currentTimeMillis());
            r = new ReplicationInfo(r.role(), r.masterHost(), r.masterPort(), r.masterLinkUp(), r.syncInProgress(),
                    r.processedOffset(), r.replId(), r.replId2(), r.secondReplOffset(), r.masterLastIoSecondsAgo(),
                    r.millisSinceMasterIo(), r.syncCompleted(), r.replicas(), since, r.syncs(), r.backlogFirstByte(),
                    r.transfer());
        }
        ReplicationSettings.Source source = replication.source();
        Fencing fencing = source == null ? null
                : new Fencing(source.minReplicasToWrite(), source.minReplicasMaxLag(), record.holdRestart());
        return new InstanceReport(id, record.port(), state, detail, persistent, r, lastAnswered,
                record.membership(), users.state(), fencing, held, disk, replicationInfo == null ? null : usage);
    }

    /** Tells the host when state, hold or role differ from what it was last told. */
    private void announce() {
        if (replicationInfo != null) {
            lastRole = replicationInfo.role();
        }
        String now = state + "/" + held + "/" + lastRole;
        if (!now.equals(announced)) {
            announced = now;
            events.changed(this);
        }
    }
}
