package org.redtrove.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.redtrove.guestagent.redis.RedisBinary;
import redis.clients.jedis.Jedis;

/**
 * A redis-server started by hand, the way an operator without RedTrove would: the baseline the
 * RedTrove figures are compared with. Same binary, same password and persistence settings.
 */
final class RawRedis implements AutoCloseable {

    final int port;
    final String password;
    private final Process process;

    RawRedis(Path dir, String password) throws Exception {
        this.password = password;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        String binary = RedisBinary.locate("", dir).path().toString(); // the agent's: PATH's, else the bundled one
        process = new ProcessBuilder(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--requirepass", password, "--masteruser", SYNC_USER, "--masterauth", password,
                "--appendonly", "yes",
                "--save", "", "--repl-diskless-sync-delay", "0", "--logfile", dir.resolve("redis.log").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Jedis j = jedis()) {
                j.ping();
                allowSync(j, password);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("raw redis-server did not start on " + port, e);
                }
                Thread.sleep(20);
            }
        }
    }

    /** The user a RawRedis replica logs in to its master as. */
    static final String SYNC_USER = "bench-sync";

    /**
     * Lets RawRedis replicas sync from this server: a user of their own, with the commands a
     * replica sends and nothing else (RedTrove's instances give tenants no such right).
     */
    static void allowSync(Jedis server, String password) {
        server.aclSetUser(SYNC_USER, "on", ">" + password, "+psync", "+sync", "+replconf", "+ping");
    }

    /** The redis-server's own process id (it is started directly, not through a shell). */
    long pid() {
        return process.pid();
    }

    Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", port, 10_000);
        j.auth(password);
        return j;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
