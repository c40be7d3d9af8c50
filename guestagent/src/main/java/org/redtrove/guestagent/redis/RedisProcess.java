package org.redtrove.guestagent.redis;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One redis-server process, either started by this agent or adopted from an earlier agent run. Both are
 * watched through a {@link ProcessHandle} on the pid, so an adopted process is supervised exactly like
 * a child.
 */
final class RedisProcess {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final ProcessHandle handle;
    private final Instant startedAt;
    private final boolean adopted;

    private RedisProcess(ProcessHandle handle, Instant startedAt, boolean adopted) {
        this.handle = handle;
        this.startedAt = startedAt;
        this.adopted = adopted;
    }

    /**
     * Starts redis-server in a new session: a Ctrl-C in the agent's terminal signals the terminal's
     * foreground process group, and Redis must not die with the agent. setsid does not fork when its
     * caller is not a group leader (a JVM child never is), so the pid we hold is redis-server's own.
     * A shell sets umask 077 first and execs the rest, so the AOF and RDB files Redis creates are
     * readable by the service user alone; Redis has no setting of its own for their mode.
     */
    static RedisProcess start(RedisBinary binary, InstanceDirectory dir) throws IOException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask 077 && exec \"$@\"", "redis-server"));
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.add(binary.path().toString());
        command.add(dir.redisConf().toAbsolutePath().toString());
        dir.createLogFile();
        Process p = new ProcessBuilder(command)
                .directory(dir.path().toFile())
                .redirectInput(Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(Redirect.appendTo(dir.logFile().toFile()))
                .redirectErrorStream(true)
                .start();
        return new RedisProcess(p.toHandle(), Instant.now(), false);
    }

    /**
     * The redis-server named by the instance's pid file, if that pid is alive and really is a
     * redis-server (a pid can be reused by anything after a reboot).
     */
    static Optional<RedisProcess> findRunning(InstanceDirectory dir) {
        var pid = dir.readPid();
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong())
                .filter(ProcessHandle::isAlive)
                .filter(h -> commandLine(h.pid()).contains("redis-server"))
                .map(h -> new RedisProcess(h, h.info().startInstant().orElse(Instant.now()), true));
    }

    /** /proc/<pid>/cmdline with NULs as spaces; Redis rewrites it to "redis-server host:port". */
    static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    long pid() {
        return handle.pid();
    }

    Instant startedAt() {
        return startedAt;
    }

    boolean adopted() {
        return adopted;
    }

    boolean isAlive() {
        return handle.isAlive();
    }

    /**
     * Runs {@code action} when the process exits. For a child that is at once (the JVM's reaper
     * waits on it); for an adopted process the JVM polls, every 300 ms growing to 5 s, which is why
     * the liveness pinger also checks the process when its connection fails.
     */
    void onExit(Runnable action) {
        handle.onExit().thenRun(action);
    }

    /**
     * SIGKILL, for a Redis that no longer answers: SIGTERM would wait for it to save. Waits until the
     * process is gone (at most 5 s), so that a successor can bind its port. Polls isAlive rather than
     * waiting on onExit, which for an adopted process only notices the exit in its own time.
     */
    void kill() {
        handle.destroyForcibly();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (handle.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * SIGTERM (Redis fsyncs, saves and exits cleanly), repeated, then SIGKILL once the grace time is over.
     * Repeated because Redis ignores a SIGTERM that arrives at the wrong moment: a replica that has just
     * finished a full sync with appendonly on logs "Writing initial AOF, can't exit." and forgets the
     * signal; it would otherwise run on until SIGKILL.
     */
    void stop(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (handle.isAlive() && System.nanoTime() < deadline) {
            handle.destroy();
            awaitExit(Duration.ofMillis(500));
        }
        if (handle.isAlive()) {
            handle.destroyForcibly();
            awaitExit(Duration.ofSeconds(5));
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }
}
