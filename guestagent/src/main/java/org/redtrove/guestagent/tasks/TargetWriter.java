package org.redtrove.guestagent.tasks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.redtrove.common.ReplicationTaskReport.Position;
import org.redtrove.common.ReplicationTaskSpec;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Applies batches of units on the target, each batch in one MULTI … EXEC that also records the
 * source position it ends at, under WATCH of that record: a batch is applied whole with its
 * position or not at all, and two senders of one task (a task that moved while the old host still
 * ran it) cannot both apply the same records.
 *
 * <p>The position lives on the target in the hash {@code redtrove:replication:<task id>} (fields
 * repl_id, offset, db) in database 0, or in the task's target database.
 */
final class TargetWriter implements AutoCloseable {

    /** A record the target refused (a runtime error inside EXEC, or a command it rejects outright). */
    record Refused(String code, String message) {
    }

    /**
     * @param units    how many units of the batch are done with (applied, refused, or applied before)
     * @param applied  records applied by this batch
     * @param lagMillis from the oldest record's arrival to its application; -1 if nothing was applied
     */
    record Result(int units, long applied, List<Refused> refused, long lagMillis) {
    }

    private final ReplicationTaskSpec spec;
    private final byte[] positionKey;
    private final int positionDb;
    private Jedis jedis;
    private volatile boolean reachable;
    private volatile Position lastApplied;

    TargetWriter(ReplicationTaskSpec spec) {
        this.spec = spec;
        this.positionKey = ("redtrove:replication:" + spec.taskId()).getBytes(StandardCharsets.UTF_8);
        this.positionDb = spec.targetDb() == null ? 0 : spec.targetDb();
        this.lastApplied = spec.knownApplied();
    }

    boolean reachable() {
        return reachable;
    }

    Position lastApplied() {
        return lastApplied;
    }

    /** The position the target records, or null if it records none or cannot be reached now. */
    synchronized Position appliedOrNull() {
        try {
            Position p = readPosition(connection());
            if (p != null) {
                lastApplied = p;
            }
            return p;
        } catch (RuntimeException e) {
            drop();
            return null;
        }
    }

    synchronized Result apply(List<Unit> batch) {
        Connection c = connection();
        while (true) {
            send(c, "WATCH", positionKey);
            c.getOne();
            Position applied = readPosition(c);
            int skip = 0;
            while (skip < batch.size() && applied != null && covered(applied, batch.get(skip))) {
                skip++;
            }
            if (skip == batch.size()) {
                send(c, "UNWATCH");
                c.getOne();
                return new Result(skip, 0, List.of(), -1);
            }
            List<Unit> todo = batch.subList(skip, batch.size());
            List<Object> replies = exec(c, todo);
            if (replies == null) {
                continue; // another sender of this task moved the position: read it again
            }
            reachable = true;
            List<Refused> refused = new ArrayList<>();
            long ok = 0;
            int i = 0;
            long oldest = Long.MAX_VALUE;
            for (Unit unit : todo) {
                for (TaskRecord record : unit.records()) {
                    // replies hold, per record, an optional SELECT's reply and then the command's
                    while (i < replies.size() && replies.get(i) == SELECT_MARK) {
                        i++;
                    }
                    Object reply = i < replies.size() ? replies.get(i++) : null;
                    if (reply instanceof JedisDataException e) {
                        refused.add(new Refused(code(e.getMessage()), record.name() + ": " + e.getMessage()));
                    } else {
                        ok++;
                    }
                    oldest = Math.min(oldest, record.arrivalMillis());
                }
            }
            Unit last = todo.get(todo.size() - 1);
            lastApplied = new Position(last.replId(), last.endOffset(), last.db());
            long lag = oldest == Long.MAX_VALUE ? -1 : System.currentTimeMillis() - oldest;
            return new Result(batch.size(), ok, refused, lag);
        }
    }

    private static final Object SELECT_MARK = new Object();

    /**
     * MULTI, the records (with a SELECT where the database changes), the position, EXEC. Answers
     * the replies of the records in order, with SELECT_MARK for the SELECTs; null if WATCH failed.
     * A command the target refuses to queue aborts the whole EXEC; then the units are applied one
     * by one, so only the unit holding it is refused.
     */
    private List<Object> exec(Connection c, List<Unit> units) {
        int currentDb = -1;
        List<Boolean> isSelect = new ArrayList<>();
        send(c, "MULTI");
        for (Unit unit : units) {
            for (TaskRecord record : unit.records()) {
                int db = spec.targetDb() != null ? spec.targetDb() : record.db();
                if (db != currentDb) {
                    send(c, "SELECT", Integer.toString(db).getBytes(StandardCharsets.UTF_8));
                    currentDb = db;
                    isSelect.add(true);
                }
                sendRaw(c, record.argv());
                isSelect.add(false);
            }
        }
        if (currentDb != positionDb) {
            send(c, "SELECT", Integer.toString(positionDb).getBytes(StandardCharsets.UTF_8));
        }
        Unit last = units.get(units.size() - 1);
        send(c, "HSET", positionKey, bytes("repl_id"), bytes(last.replId()), bytes("offset"),
                bytes(Long.toString(last.endOffset())), bytes("db"), bytes(Integer.toString(last.db())));
        send(c, "EXEC");
        List<Object> queued = c.getMany(2 + isSelect.size() + (currentDb != positionDb ? 1 : 0) + 1);
        Object exec = queued.get(queued.size() - 1);
        if (exec instanceof JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("EXECABORT") && units.size() > 1) {
                return oneByOne(c, units);
            }
            if (e.getMessage() != null && e.getMessage().startsWith("EXECABORT")) {
                // the single unit holds a command the target refuses outright: it is refused whole
                List<Object> refused = new ArrayList<>();
                for (int k = 1; k <= isSelect.size(); k++) {
                    Object q = queued.get(k);
                    refused.add(isSelect.get(k - 1) ? SELECT_MARK
                            : q instanceof JedisDataException ? q : new JedisDataException("EXECABORT " + e.getMessage()));
                }
                skipUnit(c, last);
                return refused;
            }
            throw e;
        }
        if (exec == null) {
            return null;
        }
        List<Object> results = new ArrayList<>();
        List<?> list = (List<?>) exec;
        for (int k = 0; k < isSelect.size(); k++) {
            results.add(isSelect.get(k) ? SELECT_MARK : list.get(k));
        }
        return results;
    }

    private List<Object> oneByOne(Connection c, List<Unit> units) {
        List<Object> all = new ArrayList<>();
        for (Unit unit : units) {
            send(c, "WATCH", positionKey);
            c.getOne();
            List<Object> replies = exec(c, List.of(unit));
            if (replies == null) {
                return null;
            }
            all.addAll(replies);
        }
        return all;
    }

    /** Records the position past a unit the target refused whole, so it is not sent forever. */
    private void skipUnit(Connection c, Unit unit) {
        send(c, "SELECT", Integer.toString(positionDb).getBytes(StandardCharsets.UTF_8));
        c.getOne();
        send(c, "HSET", positionKey, bytes("repl_id"), bytes(unit.replId()), bytes("offset"),
                bytes(Long.toString(unit.endOffset())), bytes("db"), bytes(Integer.toString(unit.db())));
        c.getOne();
    }

    private static boolean covered(Position applied, Unit unit) {
        return unit.endOffset() <= applied.offset();
    }

    private Position readPosition(Connection c) {
        send(c, "SELECT", Integer.toString(positionDb).getBytes(StandardCharsets.UTF_8));
        c.getOne();
        send(c, "HMGET", positionKey, bytes("repl_id"), bytes("offset"), bytes("db"));
        List<?> fields = (List<?>) c.getOne();
        reachable = true;
        if (fields.get(0) == null || fields.get(1) == null) {
            return null;
        }
        return new Position(text(fields.get(0)), Long.parseLong(text(fields.get(1))),
                fields.get(2) == null ? 0 : Integer.parseInt(text(fields.get(2))));
    }

    private Connection connection() {
        if (jedis == null || !jedis.isConnected() || jedis.getConnection().isBroken()) {
            drop();
            var config = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(2000).socketTimeoutMillis(3000).ssl(spec.targetTls())
                    .autoNegotiateProtocol(false).clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
            if (spec.targetPassword() != null) {
                config.password(spec.targetPassword());
            }
            try {
                jedis = new Jedis(new HostAndPort(spec.targetHost(), spec.targetPort()), config.build());
                jedis.ping();
            } catch (RuntimeException e) {
                drop();
                throw e;
            }
        }
        return jedis.getConnection();
    }

    private void drop() {
        reachable = false;
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
            jedis = null;
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }

    static String describe(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e.getCause() != null && e.getCause().getMessage() != null && !message.contains(e.getCause().getMessage())
                ? message + " (" + e.getCause().getMessage() + ")" : message;
    }

    private static String code(String message) {
        if (message == null || message.isBlank()) {
            return "ERR";
        }
        String first = message.split(" ", 2)[0];
        return first.chars().allMatch(ch -> Character.isUpperCase(ch) || ch == '_') ? first : "ERR";
    }

    private static void send(Connection c, String command, byte[]... args) {
        ProtocolCommand name = () -> bytes(command);
        c.sendCommand(name, args);
    }

    private static void sendRaw(Connection c, List<byte[]> argv) {
        byte[] command = argv.get(0);
        ProtocolCommand name = () -> command;
        c.sendCommand(name, argv.subList(1, argv.size()).toArray(byte[][]::new));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
