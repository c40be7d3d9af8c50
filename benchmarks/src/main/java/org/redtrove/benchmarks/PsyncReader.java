package org.redtrove.benchmarks;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisReplicator;
import com.moilioncircle.redis.replicator.cmd.CommandName;
import com.moilioncircle.redis.replicator.cmd.impl.DefaultCommand;
import com.moilioncircle.redis.replicator.cmd.parser.DefaultCommandParser;
import com.moilioncircle.redis.replicator.event.PreCommandSyncEvent;
import com.moilioncircle.redis.replicator.rdb.skip.SkipRdbVisitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The reader a replication task is built on, alone: a redis-replicator (the library and setup the
 * guest agent uses: a DefaultCommandParser for every command the server's COMMAND names, RDB
 * skipped) reading one server's replication stream in this JVM, counting the SET, HSET and XADD
 * it receives and nothing more: the rate no task can exceed, before filters, log and target.
 */
final class PsyncReader implements AutoCloseable {

    private final RedisReplicator replicator;
    private final Thread thread;
    private final CountDownLatch streaming = new CountDownLatch(1);
    private volatile long records;
    private volatile Throwable failure;

    private PsyncReader(String host, int port, String password, List<String> commandNames) {
        Configuration conf = Configuration.defaultSetting().setAuthPassword(password).setRetries(0)
                .setConnectionTimeout(2000).setReadTimeout(30_000).setUseDefaultExceptionListener(false)
                .setDiscardRdbEvent(true);
        replicator = new RedisReplicator(host, port, conf);
        replicator.setRdbVisitor(new SkipRdbVisitor(replicator));
        for (String name : commandNames) {
            replicator.addCommandParser(CommandName.name(name), new DefaultCommandParser());
        }
        replicator.addEventListener((r, event) -> {
            if (event instanceof PreCommandSyncEvent) {
                streaming.countDown();
            } else if (event instanceof DefaultCommand c && isRecord(c.getCommand())) {
                records++; // the reader's one thread
            }
        });
        replicator.addExceptionListener((r, error, event) -> failure = error);
        thread = new Thread(() -> {
            try {
                replicator.open(); // returns when the connection ends
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }, "psync-reader");
        thread.setDaemon(true);
    }

    /** Connects, and returns once the reader receives the stream (after the skipped RDB). */
    static PsyncReader start(String host, int port, String password, Jedis server) throws Exception {
        PsyncReader reader = new PsyncReader(host, port, password, commandNames(server));
        reader.thread.start();
        if (!reader.streaming.await(30, TimeUnit.SECONDS)) {
            reader.close();
            throw new IllegalStateException("the PSYNC reader did not start streaming: " + reader.failure);
        }
        return reader;
    }

    private static List<String> commandNames(Jedis server) {
        return ((List<?>) server.sendCommand(Protocol.Command.COMMAND)).stream()
                .map(entry -> new String((byte[]) ((List<?>) entry).get(0), StandardCharsets.UTF_8))
                .toList();
    }

    /** SET, HSET or XADD, in any case, without making a String of every command. */
    private static boolean isRecord(byte[] name) {
        if (name.length == 3) {
            return (name[0] | 0x20) == 's' && (name[1] | 0x20) == 'e' && (name[2] | 0x20) == 't';
        }
        if (name.length == 4) {
            String s = new String(name, StandardCharsets.US_ASCII);
            return s.equalsIgnoreCase("hset") || s.equalsIgnoreCase("xadd");
        }
        return false;
    }

    /** SET, HSET and XADD read so far. */
    long records() {
        return records;
    }

    /** Why the reader stopped, if it did. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws Exception {
        replicator.close();
        thread.join(10_000);
    }
}
