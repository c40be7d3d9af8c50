package org.redtrove.guestagent.copies;

import static org.redtrove.guestagent.copies.RedisBytes.bytes;
import static org.redtrove.guestagent.copies.RedisBytes.text;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.redtrove.common.CopyOrder;
import org.redtrove.common.CopyProgress;
import org.redtrove.common.CopySpec;
import org.redtrove.guestagent.copies.PageReader.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;

/**
 * One run of a copy, from connecting to both ends to its last page. A {@link PageReader} thread
 * SCANs the source a page or two ahead; this thread hands each page to a {@link PageWriter}, which
 * writes it to the target atomically with the copy's marker ({@code redtrove:copy:<id>}, a hash of
 * the SCAN cursor and the figures). So the target always holds exactly the pages its marker counts:
 * a run started after any crash reads the marker and goes on from its cursor, and no key is written
 * or counted twice. A finished copy leaves its marker, marked done, for an hour: asking again
 * reports it instead of copying again.
 */
final class CopyRun implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(CopyRun.class);
    static final String MARKER_PREFIX = "redtrove:copy:";
    private static final long DONE_KEPT_MILLIS = 3_600_000;
    private static final int TIMEOUT_MILLIS = 10_000;
    private static final String STOPPED = "The guest agent stopped the copy; it resumes";

    private final CopyOrder order;
    private final CopySpec spec;
    private final byte[] marker;
    private final CopyFigures figures = new CopyFigures();
    private final AtomicReference<CopyProgress> progress = new AtomicReference<>();
    /** Counted down once the run is past connecting to both ends (copying, or ended). */
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile boolean stopping;
    private byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;

    CopyRun(CopyOrder order) {
        this.order = order;
        this.spec = order.spec();
        this.marker = bytes(MARKER_PREFIX + order.copyId());
        progress.set(figures.snapshot(CopyProgress.RUNNING, null));
    }

    CopyProgress progress() {
        return progress.get();
    }

    /** Waits until the run copies or has ended; false if it is still connecting after that long. */
    boolean awaitSettled(long millis) throws InterruptedException {
        return settled.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Ends the run after its current page; the copy resumes when asked again. */
    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        figures.runStarted();
        try (Jedis source = connect(order.source(), "source"); Jedis target = connect(order.target(), "target")) {
            refuseSameRedis(source, target);
            if (resume(target)) {
                progress.set(figures.snapshot(CopyProgress.SUCCEEDED, null));
                return;
            }
            figures.total(source.dbSize());
            progress.set(figures.snapshot(CopyProgress.RUNNING, null));
            settled.countDown();
            if (spec.filtersStreamEntries()) {
                try (Jedis streams = connect(order.source(), "source")) {
                    copy(source, streams, target);
                }
            } else {
                copy(source, null, target);
            }
        } catch (Refused e) {
            log.info("Copy {} refused: {}", order.copyId(), e.getMessage());
            progress.set(figures.snapshot(CopyProgress.FAILED, e.getMessage()));
        } catch (JedisConnectionException e) {
            log.info("Copy {}: {}; it resumes when asked again", order.copyId(), describe(e));
            progress.set(figures.snapshot(CopyProgress.RETRYING, describe(e)));
        } catch (RuntimeException e) {
            log.warn("Copy {} failed", order.copyId(), e);
            progress.set(figures.snapshot(CopyProgress.FAILED, describe(e)));
        } finally {
            settled.countDown();
        }
    }

    /**
     * Two stages on two threads, so both servers work at once; each page is still written, and its
     * cursor recorded in the marker, in order.
     */
    private void copy(Jedis source, Jedis streams, Jedis target) {
        CopyFilter filter = new CopyFilter(spec);
        PageWriter writer = new PageWriter(order.copyId(), spec, filter, figures, marker, streams, target);
        BlockingQueue<Page> pages = new ArrayBlockingQueue<>(2);
        AtomicBoolean readerStop = new AtomicBoolean();
        Thread reader = new Thread(new PageReader(source, cursor, filter, spec.filtersStreamEntries(), pages,
                readerStop), Thread.currentThread().getName() + "-read");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Page page = pages.take();
                if (page.failure() != null) {
                    throw page.failure();
                }
                if (page.end()) {
                    break;
                }
                if (stopping) {
                    progress.set(figures.snapshot(CopyProgress.RETRYING, STOPPED));
                    return;
                }
                writer.write(page);
                cursor = page.nextCursor();
                progress.set(figures.snapshot(CopyProgress.RUNNING, null));
                if (spec.limit() != null && figures.get("copied") >= spec.limit()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.set(figures.snapshot(CopyProgress.RETRYING, STOPPED));
            return;
        } finally {
            readerStop.set(true);
            reader.interrupt();
            try {
                reader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Transaction done = target.multi();
        done.hset(marker, bytes("done"), bytes("1"));
        done.pexpire(marker, DONE_KEPT_MILLIS);
        done.exec();
        progress.set(figures.snapshot(CopyProgress.SUCCEEDED, null));
        log.info("Copy {} done: {}", order.copyId(), figures);
    }

    // ---- set-up ------------------------------------------------------------------------------

    /** A failure that asking again cannot mend: a wrong password, a copy of a Redis onto itself. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private static Jedis connect(CopyOrder.Endpoint end, String role) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .timeoutMillis(TIMEOUT_MILLIS).database(end.db()).ssl(end.tls()).clientName("redtrove-copy")
                .protocol(RedisProtocol.RESP2);
        if (end.password() != null && !end.password().isEmpty()) {
            config.password(end.password());
        }
        try {
            Jedis jedis = new Jedis(new HostAndPort(end.host(), end.port()), config.build());
            jedis.ping();
            return jedis;
        } catch (JedisConnectionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof JedisDataException data) {
                throw refusedLogin(end, role, data);
            }
            throw new JedisConnectionException("Cannot reach the " + role + " " + end.shown() + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), e);
        } catch (JedisDataException e) {
            throw refusedLogin(end, role, e);
        }
    }

    private static Refused refusedLogin(CopyOrder.Endpoint end, String role, JedisDataException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.contains("AUTH")) {
            return new Refused("The " + role + " " + end.shown() + " refused the password: " + message);
        }
        return new Refused("The " + role + " " + end.shown() + " refused the connection: " + message);
    }

    /** One Redis and one database on both sides would copy every key onto itself. */
    private void refuseSameRedis(Jedis source, Jedis target) {
        String a = runId(source);
        String b = runId(target);
        if (a != null && a.equals(b) && order.source().db() == order.target().db()) {
            throw new Refused("The source " + order.source().shown() + " and the target " + order.target().shown()
                    + " are the same Redis (database " + order.source().db() + ")");
        }
    }

    private static String runId(Jedis jedis) {
        for (String line : jedis.info("server").split("\r?\n")) {
            if (line.startsWith("run_id:")) {
                return line.substring("run_id:".length()).trim();
            }
        }
        return null;
    }

    /** Reads the marker an earlier run left. True when that run finished the copy. */
    private boolean resume(Jedis target) {
        Map<byte[], byte[]> saved = target.hgetAll(marker);
        String done = null;
        for (Map.Entry<byte[], byte[]> e : saved.entrySet()) {
            String field = text(e.getKey());
            if (field.equals("cursor")) {
                cursor = e.getValue();
            } else if (field.equals("done")) {
                done = text(e.getValue());
            } else {
                figures.restore(field, text(e.getValue()));
            }
        }
        if (!saved.isEmpty()) {
            log.info("Copy {} resumes from its marker: {} keys scanned, {} copied", order.copyId(),
                    figures.get("scanned"), figures.get("copied"));
        }
        return "1".equals(done);
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
