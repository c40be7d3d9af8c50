package org.redtrove.guestagent.tasks;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.cmd.CommandName;
import com.moilioncircle.redis.replicator.cmd.impl.DefaultCommand;
import com.moilioncircle.redis.replicator.cmd.parser.DefaultCommandParser;
import com.moilioncircle.redis.replicator.event.AbstractEvent;
import com.moilioncircle.redis.replicator.event.Event;
import com.moilioncircle.redis.replicator.event.PostRdbSyncEvent;
import com.moilioncircle.redis.replicator.event.PreCommandSyncEvent;
import com.moilioncircle.redis.replicator.rdb.skip.SkipRdbVisitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.ReplicationTaskReport.Position;
import org.redtrove.common.ReplicationTaskSpec;
import org.redtrove.guestagent.redis.RedisHost.LocalLogin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * One replication task on the host of the member it reads: a PSYNC reader of that member's
 * replication stream, the filters, the transaction log, and a sender that drains the log to the
 * target.
 *
 * <p>Nothing is applied twice and nothing is lost across crashes, moves and failovers because the
 * target itself records, in the same MULTI … EXEC as each batch, the source position the batch
 * ends at ({@link TargetWriter}); the sender skips what the target already holds, and a reader
 * with no log of its own here (the task moved, or the log was lost) starts from that position.
 * All members of a set share one replication history (PSYNC2), so any of them can continue the
 * stream from a position another one produced.
 */
final class TaskRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    private static final int BATCH_RECORDS = 1000;

    private final ReplicationTaskSpec spec;
    private final UUID instanceId;
    private final LocalLogin source;
    private final TaskLog taskLog;
    private final TaskStats stats;
    private final RecordFilter filter;
    private final TargetWriter target;
    private volatile boolean stopped;
    private volatile Replicator replicator;
    private volatile boolean readerUp;
    private volatile Position readAt;
    private volatile long lastSavedAt;
    private volatile long lastBatchLag = -1;
    private volatile long sourceEnd = -1;
    /** Since when the source has not held the position the reader needs; -1 while it does. */
    private final SourceWait sourceWait;
    /** Where a fresh task began reading, until the target records a position of its own. */
    private volatile Position origin;
    private long lastProbe;
    private WriteCommands commands;
    private Thread reader;
    private Thread sender;
    // reader state (the reader thread only)
    private int db;
    private List<TaskRecord> transaction;
    private boolean beginAfterSync;
    /** A fresh task has taken its first position; any full resync after that lost some stream. */
    private boolean began;
    /** Where the next command should start: a gap is stream the reader did not understand. */
    private long expectedStart;

    /** @param sourceWait how long the reader waits for a source that holds its position ({@link SourceWait}) */
    TaskRunner(ReplicationTaskSpec spec, UUID instanceId, LocalLogin source, TaskLog taskLog, TaskStats stats,
               java.time.Duration sourceWait) {
        this.sourceWait = new SourceWait(source, stats, sourceWait);
        this.spec = spec;
        this.instanceId = instanceId;
        this.source = source;
        this.taskLog = taskLog;
        this.stats = stats;
        this.filter = new RecordFilter(spec);
        this.target = new TargetWriter(spec);
    }

    ReplicationTaskSpec spec() {
        return spec;
    }

    UUID instanceId() {
        return instanceId;
    }

    void start() {
        if (taskLog.damagedBytes() > 0) {
            stats.error("LOG_DAMAGED", taskLog.damagedBytes() + " bytes at the end of the task's log could not be read"
                    + " (a write torn by a crash, or a damaged disk) and were cut off; the task reads the source"
                    + " again from the last record it could read", 0);
        }
        if (spec.mode().equals("disabled")) {
            // Writes made while disabled are never replicated (as in ReductStore): start at the end again.
            taskLog.savePosition(TaskLog.FRESH);
            return;
        }
        reader = new Thread(this::readLoop, "task-reader-" + spec.name());
        reader.setDaemon(true);
        reader.start();
        if (spec.mode().equals("enabled")) {
            sender = new Thread(this::sendLoop, "task-sender-" + spec.name());
            sender.setDaemon(true);
            sender.start();
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    private void readLoop() {
        long backoff = 100;
        while (!stopped) {
            try {
                Position from = startingPosition();
                if (from == null) {
                    // It ran before, and its position is neither here nor on the target (away): wait for it.
                    Thread.sleep(500);
                    continue;
                }
                if (from != TaskLog.FRESH && sourceWait.waiting(from)) {
                    readerUp = false;
                    Thread.sleep(500);
                    continue;
                }
                log.info("Replication task {} reads {} from {}", spec.name(), source,
                        from == TaskLog.FRESH ? "the current end of its stream" : from.replId() + " offset " + from.offset());
                read(from);
                backoff = 100;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | IOException e) {
                if (stopped) {
                    return;
                }
                stats.error("SOURCE", "reading the replication stream of " + source + ": " + e.getMessage(), 0);
            }
            readerUp = false;
            sleepQuietly(backoff);
            backoff = Math.min(backoff * 2, 5000);
        }
    }

    /**
     * Where to read from: the furthest of the reader's saved position, the end of the log and what
     * the target or the taskmanager says was applied; FRESH for a task that never ran; null when a
     * task that ran elsewhere cannot learn yet where it stopped.
     */
    private Position startingPosition() {
        Position saved = taskLog.readPosition();
        if (saved == TaskLog.FRESH) {
            return TaskLog.FRESH;
        }
        if (saved == null && spec.fresh() && spec.knownApplied() == null) {
            // Never reported anywhere; but if it ran elsewhere for a moment, the target knows where
            // it began. (A task that moves within its first second while its target is away starts
            // afresh: it begins where it first runs.)
            Position applied = target.appliedOrNull();
            return applied != null ? applied : TaskLog.FRESH;
        }
        if (taskLog.damagedBytes() > 0) {
            // Past the damage, the saved position may cover units the log lost: read them again.
            saved = null;
        }
        Position best = furthest(saved, taskLog.lastLogged());
        best = furthest(best, readAt); // after a lost connection: exactly where this reader was
        best = furthest(best, spec.knownApplied());
        Position applied = target.appliedOrNull();
        return furthest(best, applied);
    }

    private static Position furthest(Position a, Position b) {
        if (a == null || a == TaskLog.FRESH) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.offset() > a.offset() ? b : a;
    }

    private void read(Position from) throws IOException {
        Configuration conf = Configuration.defaultSetting()
                .setAuthUser(source.user())
                .setAuthPassword(source.password())
                .setRetries(1)
                .setConnectionTimeout(2000)
                .setReadTimeout(30_000)
                // Not setDiscardRdbEvent: it skips the snapshot unread, and with it the end-of-sync
                // event and the repl-stream-db the stream's database starts from. SkipRdbVisitor
                // below reads past the keys without building them.
                .setUseDefaultExceptionListener(false);
        boolean fresh = from == TaskLog.FRESH;
        if (fresh) {
            // A full resync only to learn the stream's position and database: ask for a snapshot
            // without data (Redis 7's rdb-filter-only), not for the whole data set to throw away.
            conf.setReplFilters(() -> new String[] {"REPLCONF", "rdb-filter-only", ""});
        } else {
            conf.setReplId(from.replId()).setReplOffset(from.offset());
            db = from.db();
        }
        SourceStream r = new SourceStream(source.host(), source.port(), conf);
        r.setRdbVisitor(new SkipRdbVisitor(r));
        commands = new WriteCommands(keySpecs(), this::getKeys);
        for (String name : commands.names()) {
            r.addCommandParser(CommandName.name(name), new DefaultCommandParser());
        }
        expectedStart = fresh ? -1 : from.offset();
        began = !fresh;
        r.addEventListener((rep, event) -> onEvent(rep, event, from));
        r.addExceptionListener((rep, error, event) -> {
            throw error instanceof RuntimeException re ? re : new UncheckedIOException(new IOException(error));
        });
        replicator = r;
        transaction = null;
        beginAfterSync = false;
        if (stopped) {
            return;
        }
        r.open(); // returns when the connection ends
    }

    private void onEvent(Replicator rep, Event event, Position from) {
        if (event instanceof PostRdbSyncEvent) {
            db = Math.max(0, rep.getConfiguration().getReplStreamDB());
            // The replicator adopts the new replication id and offset only after this event.
            beginAfterSync = true;
            return;
        }
        if (event instanceof PreCommandSyncEvent) {
            Configuration conf = rep.getConfiguration();
            if (beginAfterSync && conf.getReplOffset() >= 0 && !"?".equals(conf.getReplId())) {
                begin(new Position(conf.getReplId(), conf.getReplOffset(), db), from);
            }
            readerUp = true;
            return;
        }
        if (!(event instanceof DefaultCommand command)) {
            return;
        }
        readerUp = true;
        var offsets = ((AbstractEvent) event).getContext().getOffsets();
        long end = offsets.getV2();
        if (expectedStart >= 0 && offsets.getV1() > expectedStart) {
            stats.error("UNKNOWN_COMMAND", (offsets.getV1() - expectedStart) + " bytes of the stream before"
                    + " offset " + offsets.getV1() + " held a command the reader does not know", 0);
        }
        expectedStart = end;
        List<byte[]> argv = new ArrayList<>();
        argv.add(command.getCommand());
        for (byte[] arg : command.getArgs()) {
            argv.add(arg);
        }
        String replId = rep.getConfiguration().getReplId();
        if (beginAfterSync) {
            begin(new Position(replId, offsets.getV1(), db), from);
        }
        handle(argv, replId, end);
    }

    /**
     * The stream continues after a full resync at this position. A fresh task begins there: the
     * position is logged as a unit without records, so that the target records it with the first
     * batch (or alone), and a task that moves before any write passed still knows where to go on.
     */
    private void begin(Position at, Position from) {
        beginAfterSync = false;
        expectedStart = at.offset();
        if (began) {
            // Not the start of a fresh task: a position the source's backlog no longer held, on the
            // first connection or on one the replicator made again by itself after losing it.
            Position was = readAt != null ? readAt : from;
            stats.error("STREAM_MISSED", "the source no longer held position " + was.offset() + " of " + was.replId()
                    + " in its backlog: it sent a full resync, and the stream from there to offset " + at.offset()
                    + " of " + at.replId() + (at.replId().equals(was.replId()) ? " (" + (at.offset() - was.offset())
                    + " bytes)" : "") + " is not replicated", 0);
        }
        boolean fresh = !began;
        began = true;
        if (fresh) {
            origin = at;
            emitUnit(new Unit(at.replId(), at.offset(), at.db(), List.of()));
        }
        position(at, true);
    }

    private void handle(List<byte[]> argv, String replId, long end) {
        String name = new String(argv.get(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        switch (name) {
            case "MULTI" -> transaction = new ArrayList<>();
            case "EXEC" -> {
                List<TaskRecord> unit = transaction == null ? List.of() : transaction;
                transaction = null;
                emit(replId, end, unit);
            }
            case "SELECT" -> {
                db = Integer.parseInt(new String(argv.get(1), StandardCharsets.UTF_8));
                if (transaction == null) {
                    position(new Position(replId, end, db), false);
                }
            }
            // Not writes: PUBLISH reaches replicas only so that their subscribers hear it.
            case "PING", "REPLCONF", "PUBLISH", "SPUBLISH" -> {
                if (transaction == null) {
                    position(new Position(replId, end, db), false);
                }
            }
            default -> {
                List<TaskRecord> records = records(argv, name);
                if (transaction != null) {
                    transaction.addAll(records);
                } else {
                    emit(replId, end, records);
                }
            }
        }
    }

    /** The records a write becomes after the filters; errors (never silent) for what cannot be filtered. */
    private List<TaskRecord> records(List<byte[]> argv, String name) {
        long now = System.currentTimeMillis();
        WriteCommands.Split split = commands.split(argv);
        if (split.keys().isEmpty()) {
            if (!filter.passesEverything()) {
                stats.error("UNFILTERABLE", name + " names no key, so the task's filters cannot decide on it:"
                        + " not replicated", 1);
                return List.of();
            }
            return List.of(new TaskRecord(db, argv, now));
        }
        if (split.perKey() == null) {
            long matching = split.keys().stream().filter(filter::matchesKey).count();
            if (matching == 0) {
                return List.of();
            }
            if (matching == split.keys().size() && filter.filtersOnlyKeys()) {
                return List.of(new TaskRecord(db, argv, now));
            }
            stats.error("UNSPLITTABLE", name + " on keys " + split.keys() + " cannot be cut per key, and the"
                    + " filters pass only some of it: not replicated", 1);
            return List.of();
        }
        List<TaskRecord> passed = new ArrayList<>();
        for (int i = 0; i < split.perKey().size(); i++) {
            List<byte[]> one = split.perKey().get(i);
            String key = split.keys().get(i);
            Map<String, String> labels = WriteCommands.labels(one);
            Long time = WriteCommands.recordTime(one);
            boolean passes = WriteCommands.maintainsKey(name) ? filter.matchesKey(key)
                    : filter.passes(key, labels, time == null ? now : time);
            if (passes) {
                passed.add(new TaskRecord(db, one, now));
            }
        }
        return passed;
    }

    private void emit(String replId, long end, List<TaskRecord> records) {
        Position at = new Position(replId, end, db);
        if (!records.isEmpty()) {
            emitUnit(new Unit(replId, end, db, List.copyOf(records)));
        }
        position(at, false);
    }

    private void emitUnit(Unit unit) {
        try {
            if (!taskLog.append(unit)) {
                throw new UncheckedIOException(new IOException("task stopped"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("task stopped"));
        }
    }

    /**
     * Where the reader is; saved every 100 ms, always after the units it covers were logged. A
     * saved position behind the log is harmless (the reader resumes after the log's last unit).
     */
    private void position(Position at, boolean force) {
        readAt = at;
        long now = System.currentTimeMillis();
        if (force || now - lastSavedAt >= 100) {
            taskLog.savePosition(at);
            lastSavedAt = now;
        }
    }

    private Map<String, WriteCommands.KeySpec> keySpecs() {
        try (Jedis jedis = source.open()) {
            return CommandTable.read(jedis);
        }
    }

    private List<String> getKeys(List<byte[]> argv) {
        try (Jedis jedis = source.open()) {
            return CommandTable.getKeys(jedis, argv);
        }
    }

    // ---- sending -------------------------------------------------------------------------------

    private void sendLoop() {
        long backoff = 100;
        while (!stopped) {
            try {
                if (!taskLog.awaitPending(200)) {
                    long now = System.currentTimeMillis();
                    if (now - lastProbe >= 1000) {
                        // Nothing to send: still find out whether the target answers (is_active).
                        lastProbe = now;
                        target.appliedOrNull();
                        if (!target.reachable()) {
                            // Down while idle is down too: shown now, not with the next batch.
                            stats.error("CONNECTION", "the target " + spec.targetHost() + ":" + spec.targetPort()
                                    + " does not answer", 0);
                        }
                    }
                    if (target.reachable()) {
                        stats.clearLastError();
                    }
                    continue;
                }
                List<Unit> batch = taskLog.peek(BATCH_RECORDS);
                TargetWriter.Result result = target.apply(batch);
                for (TargetWriter.Refused refused : result.refused()) {
                    stats.error(refused.code(), refused.message(), 1);
                }
                stats.ok(result.applied());
                if (result.lagMillis() >= 0) {
                    lastBatchLag = result.lagMillis();
                }
                taskLog.pop(result.units());
                backoff = 100;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                // Target down or refusing the connection: the records stay pending, and we retry.
                stats.error("CONNECTION", "the target " + spec.targetHost() + ":" + spec.targetPort()
                        + " did not take the batch: " + TargetWriter.describe(e), 0);
                sleepQuietly(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    // ---- reporting -----------------------------------------------------------------------------

    ReplicationTaskReport report() {
        boolean reading = spec.mode().equals("disabled") || readerUp;
        boolean sending = !spec.mode().equals("enabled") || target.reachable();
        Position at = readAt;
        long behind = -1;
        long end = sourceEnd;
        if (at != null && end >= 0) {
            behind = Math.max(0, end - at.offset());
        }
        long pending = taskLog.pendingRecords();
        stats.pending(pending);
        return new ReplicationTaskReport(spec.taskId(), instanceId, reading && sending && !spec.mode().equals("disabled"),
                pending, behind, lastBatchLag,
                target.lastApplied() != null ? target.lastApplied() : origin, stats.hourly(),
                stats.lastError());
    }

    /** Reads the source's current offset, for bytes behind; called by the heartbeat, not the reader. */
    void refreshSourceEnd() {
        if (spec.mode().equals("disabled")) {
            return;
        }
        try (Jedis jedis = source.open()) {
            for (String line : jedis.info("replication").split("\r?\n")) {
                if (line.startsWith("master_repl_offset:")) {
                    sourceEnd = Long.parseLong(line.substring("master_repl_offset:".length()).trim());
                }
            }
        } catch (RuntimeException e) {
            sourceEnd = -1;
        }
    }

    @Override
    public void close() {
        stopped = true;
        Replicator r = replicator;
        if (r != null) {
            try {
                r.close();
            } catch (IOException ignored) {
                // the reader ends either way
            }
        }
        Position at = readAt;
        if (at != null) {
            taskLog.savePosition(at); // what it logged is on disk: the next start reads on from here
        }
        taskLog.close();
        for (Thread t : new Thread[] {reader, sender}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        target.close();
        log.debug("Replication task {} stopped", spec.name());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
