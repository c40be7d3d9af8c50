package org.redtrove.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;

/**
 * The writes of the replication tasks part, from one thread on one connection, each one record as
 * a task sees it (one write to one key; its labels the fields an XADD entry or an HSET carries).
 * Writes are pipelined and counted once the server acknowledged them.
 */
final class RecordLoad implements AutoCloseable {

    /** Names each kind of key is spread over. */
    static final int KEYS = 1000;
    /** Streams of the stamped load: its target is read by one XREAD over all of them. */
    static final int STAMPED_STREAMS = 100;
    static final String NUMBERED_LIST = "outage:list";
    /** The field of a stamped write holding its send time, in {@link #nowMicros()}. */
    static final String SENT_FIELD = "sent_us";

    enum Shape {
        /** SET k:n v, HSET h:n, XADD s:n * (engine_status working, sensor_status ok), in turn. */
        MIXED,
        /**
         * XADD f:s:n and HSET f:h:n, every other one with engine_status idle instead of working,
         * each carrying its send time in {@link #SENT_FIELD}.
         */
        STAMPED_HALF_IDLE,
        /** RPUSH outage:list 0, 1, 2, … */
        NUMBERED
    }

    private final Jedis connection;
    private final Shape shape;
    private final int perSecond;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long written;
    private volatile long passingStreamWrites;
    private volatile long passingHashWrites;
    private volatile long failed;
    private volatile String firstFailure;
    private volatile long startedNanos;
    private volatile long stoppedNanos;

    /**
     * @param perSecond writes a second, paced in 1 ms steps; 0 writes as fast as the server
     *                  acknowledges pipelines of 1000
     */
    private RecordLoad(Jedis connection, Shape shape, int perSecond) {
        this.connection = connection;
        this.shape = shape;
        this.perSecond = perSecond;
        this.thread = new Thread(this::run, "record-load-" + shape.name().toLowerCase());
        thread.setDaemon(true); // a phase that fails must not keep the benchmark's JVM alive
    }

    /** Starts writing on this connection (closed when the load is). */
    static RecordLoad start(Jedis connection, Shape shape, int perSecond) {
        RecordLoad load = new RecordLoad(connection, shape, perSecond);
        load.thread.start();
        return load;
    }

    /** This JVM's clock in microseconds: the stamps and their receipt are read from the same clock. */
    static long nowMicros() {
        return System.nanoTime() / 1000;
    }

    private void run() {
        startedNanos = System.nanoTime();
        long n = 0;
        try {
            while (running) {
                int batch;
                if (perSecond <= 0) {
                    batch = 1000;
                } else {
                    long due = (System.nanoTime() - startedNanos) * perSecond / 1_000_000_000L;
                    batch = (int) Math.min(1000, due - n);
                    if (batch <= 0) {
                        LockSupport.parkNanos(100_000);
                        continue;
                    }
                }
                Pipeline p = connection.pipelined();
                List<Response<Object>> replies = new ArrayList<>(batch);
                long streams = 0;
                long hashes = 0;
                for (int i = 0; i < batch; i++, n++) {
                    replies.add(write(p, n));
                    if (shape == Shape.STAMPED_HALF_IDLE && (n & 2) == 0) {
                        if ((n & 1) == 0) {
                            streams++;
                        } else {
                            hashes++;
                        }
                    }
                }
                p.sync();
                for (Response<Object> r : replies) {
                    try {
                        r.get();
                    } catch (RuntimeException e) {
                        if (failed++ == 0) {
                            firstFailure = e.getMessage();
                        }
                    }
                }
                written += batch;
                passingStreamWrites += streams;
                passingHashWrites += hashes;
            }
        } catch (RuntimeException e) {
            failed++;
            firstFailure = "the load's connection failed: " + e.getMessage();
        } finally {
            stoppedNanos = System.nanoTime();
        }
    }

    /**
     * The n-th write. In the stamped shape n's two low bits choose: bit 0 an XADD or an HSET, bit
     * 1 working (passes the filter) or idle, so exactly half of any four writes pass.
     */
    private Response<Object> write(Pipeline p, long n) {
        return switch (shape) {
            case MIXED -> {
                long key = (n / 3) % KEYS;
                yield switch ((int) (n % 3)) {
                    case 0 -> p.sendCommand(Protocol.Command.SET, "k:" + key, "v" + n);
                    case 1 -> p.sendCommand(Protocol.Command.HSET, "h:" + key, "engine_status", "working",
                            "sensor_status", "ok");
                    default -> p.sendCommand(Protocol.Command.XADD, "s:" + key, "*", "engine_status", "working",
                            "sensor_status", "ok");
                };
            }
            case STAMPED_HALF_IDLE -> {
                long key = (n / 4) % KEYS;
                String status = (n & 2) == 0 ? "working" : "idle";
                String sent = Long.toString(nowMicros());
                yield (n & 1) == 0
                        ? p.sendCommand(Protocol.Command.XADD, "f:s:" + (key % STAMPED_STREAMS), "*",
                                "engine_status", status, "sensor_status", "ok", SENT_FIELD, sent)
                        : p.sendCommand(Protocol.Command.HSET, "f:h:" + key, "engine_status", status,
                                "sensor_status", "ok", SENT_FIELD, sent);
            }
            case NUMBERED -> p.sendCommand(Protocol.Command.RPUSH, NUMBERED_LIST, Long.toString(n));
        };
    }

    /** Writes the server acknowledged so far. */
    long written() {
        return written;
    }

    /** Of the stamped shape: acknowledged XADDs that pass {@code engine_status: working}. */
    long passingStreamWrites() {
        return passingStreamWrites;
    }

    /** Of the stamped shape: acknowledged HSETs that pass {@code engine_status: working}. */
    long passingHashWrites() {
        return passingHashWrites;
    }

    /** Writes the server refused, or the connection lost; 0 for figures worth reading. */
    long failed() {
        return failed;
    }

    String firstFailure() {
        return firstFailure;
    }

    /** Acknowledged writes per second, over the time the load ran (up to now if it still runs). */
    double rate() {
        long end = running ? System.nanoTime() : stoppedNanos;
        return written / ((end - startedNanos) / 1e9);
    }

    /** Stops after the pipeline in flight, which is acknowledged and counted. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
        connection.close();
    }
}
