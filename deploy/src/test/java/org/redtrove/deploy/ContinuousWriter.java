package org.redtrove.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A client that writes to one Redis continuously, one SET at a time, as a process of its own, so
 * that it can run where the test JVM cannot: inside a host's network namespace, beside the master,
 * where it still reaches the master while the host is cut off from the others. Every attempt is
 * printed with the wall-clock time its outcome was known (the machine has one clock), and the test
 * reads from those lines which writes the master acknowledged, and when.
 *
 * <p>Run as {@code ContinuousWriter HOST PORT}, with the password in {@value #PASSWORD_ENV}, not on
 * the command line; it stops when its standard input closes, so it never outlives the test.
 */
public final class ContinuousWriter implements AutoCloseable {

    static final String PASSWORD_ENV = "REDTROVE_WRITER_PASSWORD";
    private static final int TIMEOUT_MILLIS = 500;

    /** What became of one write. */
    public enum Outcome { ACK, REFUSED, TIMEOUT, DOWN }

    /** Write {@code n} ({@code SET w-n n}) ended so at {@code atMillis}; detail: Redis's error, if any. */
    public record Write(long n, long atMillis, Outcome outcome, String detail) {
    }

    private final Process process;
    private final List<Write> writes = new CopyOnWriteArrayList<>();

    private ContinuousWriter(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "continuous-writer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a writer inside the network namespace, writing to host:port. */
    public static ContinuousWriter startInNamespace(String namespace, String host, int port, String password)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(NetnsHosts.ip(), "netns", "exec", namespace, "java",
                "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ContinuousWriter.class.getName(), host, Integer.toString(port)).redirectErrorStream(true);
        builder.environment().put(PASSWORD_ENV, password);
        return new ContinuousWriter(builder.start());
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(" ", 4);
                if (f.length >= 3) {
                    try {
                        writes.add(new Write(Long.parseLong(f[1]), Long.parseLong(f[2]),
                                Outcome.valueOf(f[0]), f.length > 3 ? f[3] : ""));
                        continue;
                    } catch (IllegalArgumentException notAWrite) {
                        // fall through: the JVM's own output
                    }
                }
                System.err.println("writer: " + line);
            }
        } catch (IOException ignored) {
            // the writer ended
        }
    }

    public List<Write> writes() {
        return new ArrayList<>(writes);
    }

    public long acknowledged() {
        return writes.stream().filter(w -> w.outcome() == Outcome.ACK).count();
    }

    /** Waits until {@code n} writes were acknowledged. */
    public void awaitAcknowledged(long n, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged() < n) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("the writer got " + acknowledged() + " of " + n + " writes acknowledged"
                        + (process.isAlive() ? "" : " and exited") + "; last: " + lastOf(writes()));
            }
            Thread.sleep(20);
        }
    }

    private static Write lastOf(List<Write> list) {
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    // ---- the writer process ----------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String password = System.getenv(PASSWORD_ENV);
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; EOF means the test is gone
                }
            } catch (IOException ignored) {
                // same
            }
            System.exit(0);
        }, "stdin-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Jedis jedis = null;
        for (long n = 0; ; n++) {
            try {
                if (jedis == null) {
                    jedis = new Jedis(host, port, TIMEOUT_MILLIS);
                    jedis.auth(password);
                }
                jedis.set("w-" + n, Long.toString(n));
                print(Outcome.ACK, n, "");
            } catch (JedisDataException e) {
                print(Outcome.REFUSED, n, String.valueOf(e.getMessage()));
                if (String.valueOf(e.getMessage()).startsWith("NOAUTH")) {
                    jedis.close(); // the AUTH of a new connection was refused (LOADING): log in again
                    jedis = null;
                }
            } catch (JedisConnectionException e) {
                print(e.getCause() instanceof SocketTimeoutException ? Outcome.TIMEOUT : Outcome.DOWN, n,
                        String.valueOf(e.getMessage()));
                if (jedis != null) {
                    jedis.close();
                }
                jedis = null;
            }
            Thread.sleep(5);
        }
    }

    private static void print(Outcome outcome, long n, String detail) {
        System.out.println(outcome + " " + n + " " + System.currentTimeMillis() + " " + detail.replace('\n', ' '));
        System.out.flush();
    }
}
