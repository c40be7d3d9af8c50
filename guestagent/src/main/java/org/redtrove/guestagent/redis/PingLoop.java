package org.redtrove.guestagent.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One thread that PINGs many Redis servers over persistent non-blocking connections. With a blocking
 * client every PING took a pool thread and two hand-overs; at 500 instances (7,500 PINGs a second) that
 * cost more CPU than the Redis servers answering them. Here a PING is one write and one read on a
 * selector, so the cost is the system calls and no more.
 *
 * <p>Only {@code AUTH} and {@code PING} are ever sent, and both answer with one line (a simple string
 * or an error), so reading a reply is reading a line. A {@link Conn} is used from any thread through
 * {@link Conn#ping} and {@link Conn#close}, which only queue work; everything else, callbacks
 * included, runs on the loop's thread, which therefore must never block.
 */
final class PingLoop implements AutoCloseable {

    private static final long EXPIRY_CHECK_NANOS = 10_000_000L;
    private static final byte[] PING = command("PING");

    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<Conn> waiting = new HashSet<>();
    private final Thread thread;
    private volatile boolean open = true;

    PingLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector for the liveness PINGs", e);
        }
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends what {@link Conn#ping} and {@link Conn#close} queued without waiting for the next turn. */
    void flush() {
        selector.wakeup();
    }

    Conn connection() {
        return new Conn();
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextExpiryCheck = System.nanoTime() + EXPIRY_CHECK_NANOS;
        try {
            while (open) {
                selector.select(10);
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Conn) key.attachment()).ready(key);
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now - nextExpiryCheck >= 0) {
                    nextExpiryCheck = now + EXPIRY_CHECK_NANOS;
                    expire(now);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // the loop ends; close() below answers whatever still waits
        } finally {
            for (SelectionKey key : selector.keys()) {
                ((Conn) key.attachment()).closeNow();
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing at shutdown
            }
        }
    }

    private void expire(long now) {
        List<Conn> late = new ArrayList<>();
        for (Conn c : waiting) {
            if (now - c.deadline >= 0) {
                late.add(c);
            }
        }
        late.forEach(Conn::closeNow);
    }

    /** RESP's array of bulk strings, which carries any password unchanged. */
    static byte[] command(String... words) {
        StringBuilder s = new StringBuilder("*").append(words.length).append("\r\n");
        for (String w : words) {
            s.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One Redis connection, reopened when its target (address or credentials) changes or after it
     * broke or timed out (an error reply does not break it), with at most one PING in flight: one
     * still waiting is never sent again nor queued behind, its silence is the measurement.
     */
    final class Conn {
        private final AtomicBoolean inFlight = new AtomicBoolean();
        // From here on, the loop's thread only.
        private SocketChannel channel;
        private SelectionKey key;
        private RedisEndpoint connectedTo;
        private ByteBuffer out = ByteBuffer.allocate(0);
        private final ByteBuffer in = ByteBuffer.allocate(256);
        private final StringBuilder line = new StringBuilder();
        private boolean authPending;
        /** This connection's AUTH failed: it stays unauthenticated, every PING on it refused. */
        private boolean authRefused;
        private Consumer<Probe.Answer> onAnswer;
        private long deadline;

        /** Sends a PING unless one is still waiting; true when it will. The answer comes on the loop. */
        boolean ping(RedisEndpoint target, Consumer<Probe.Answer> answer) {
            if (!open || !inFlight.compareAndSet(false, true)) {
                return false;
            }
            tasks.add(() -> start(target, answer));
            return true;
        }

        /** Closes the connection; a PING still waiting is answered NO_ANSWER. */
        void close() {
            tasks.add(this::closeNow);
            selector.wakeup();
        }

        private void start(RedisEndpoint target, Consumer<Probe.Answer> answer) {
            onAnswer = answer;
            deadline = System.nanoTime() + target.timeout().toNanos();
            waiting.add(this);
            try {
                if (channel == null || !target.equals(connectedTo)) {
                    closeChannel();
                    connect(target);
                } else {
                    send(PING);
                }
            } catch (IOException | RuntimeException e) {
                closeNow();
            }
        }

        private void connect(RedisEndpoint target) throws IOException {
            connectedTo = target;
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = channel.connect(new InetSocketAddress(target.host(), target.port()));
            key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
            authPending = target.password() != null;
            byte[] auth = !authPending ? new byte[0] : target.user() == null
                    ? command("AUTH", target.password()) : command("AUTH", target.user(), target.password());
            out = ByteBuffer.allocate(auth.length + PING.length).put(auth).put(PING).flip();
            if (connected) {
                flushOut();
            }
        }

        private void send(byte[] bytes) throws IOException {
            out = out.hasRemaining()
                    ? ByteBuffer.allocate(out.remaining() + bytes.length).put(out).put(bytes).flip()
                    : ByteBuffer.wrap(bytes);
            flushOut();
        }

        private void flushOut() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void ready(SelectionKey k) {
            if (k != key) {
                return; // selected before a task of this turn replaced or closed the connection
            }
            try {
                if (k.isConnectable() && channel.finishConnect()) {
                    flushOut();
                }
                if (k.isValid() && k.isWritable()) {
                    flushOut();
                }
                if (k.isValid() && k.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                closeNow();
            }
        }

        private void read() throws IOException {
            int n = channel.read(in);
            if (n < 0) {
                closeNow();
                return;
            }
            in.flip();
            while (in.hasRemaining() && channel != null) {
                char c = (char) in.get();
                if (c == '\n') {
                    int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r'
                            ? line.length() - 1 : line.length();
                    String reply = line.substring(0, end);
                    line.setLength(0);
                    replied(reply);
                } else if (line.length() < 4096) {
                    line.append(c);
                }
            }
            in.clear();
        }

        /**
         * AUTH's reply, then PING's, which answers: PONG, or an error that is an answer all the same
         * (as Jedis reported it: a live Redis that refused us, unless loading). An error reply leaves
         * the connection open, so a replica PINGed without credentials (NOAUTH) or a master that
         * refuses PING to the replication user is not reconnected to ten times a second: thousands
         * of connections a second on a host of 500 instances, and its ephemeral ports run out.
         */
        private void replied(String reply) {
            if (authPending) {
                authPending = false;
                authRefused = reply.startsWith("-");
                return;
            }
            if (authRefused || reply.startsWith("-")) {
                finish(reply.contains("LOADING") ? Probe.Answer.LOADING : Probe.Answer.AUTH_REFUSED);
            } else {
                finish(Probe.Answer.PONG);
            }
        }

        private void finish(Probe.Answer answer) {
            Consumer<Probe.Answer> callback = onAnswer;
            onAnswer = null;
            waiting.remove(this);
            if (callback != null) {
                // Free before the callback: a PING asked for from it, or meanwhile, starts on this
                // same thread only after it.
                inFlight.set(false);
                try {
                    callback.accept(answer);
                } catch (RuntimeException e) {
                    // one instance's trouble must not stop the loop for the others
                }
            }
        }

        void closeNow() {
            closeChannel();
            finish(Probe.Answer.NO_ANSWER);
        }

        private void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // a broken connection may fail to close; it is gone either way
                }
            }
            channel = null;
            key = null;
            connectedTo = null;
            authPending = false;
            authRefused = false;
            out = ByteBuffer.allocate(0);
            in.clear();
            line.setLength(0);
        }
    }
}
