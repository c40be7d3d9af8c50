package org.redtrove.deploy;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What is really running on this machine, read from /proc: the ground truth tests check against. */
public final class RedisProcesses {

    private RedisProcesses() {
    }

    /** PIDs of redis-server processes serving {@code port} (Redis titles itself "redis-server ADDR:PORT"). */
    public static List<Long> serving(int port) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> cmdline(p).matches("(\\S*/)?redis-server \\S*:" + port + "\\b.*"))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        }
    }

    /** PIDs whose command line mentions {@code text} (a data dir, say). */
    public static List<Long> mentioning(String text) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .filter(p -> cmdline(p).contains(text))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .toList();
        }
    }

    /**
     * SIGKILL to every redis-server a guest agent with this data dir left running (by the pid files
     * of its instances): an extra agent of a test keeps its Redis when it stops, as a crashed one would.
     */
    public static void killInstancesOf(Path guestDataDir) throws IOException {
        Path instances = guestDataDir.resolve("instances");
        if (!Files.isDirectory(instances)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(instances)) {
            for (Path dir : dirs.toList()) {
                Path pidFile = dir.resolve("redis.pid");
                if (Files.exists(pidFile)) {
                    long pid = Long.parseLong(Files.readString(pidFile).trim());
                    if (isRedis(pid)) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
        }
    }

    /** Sends the signal {@code name} (STOP, CONT) to the process. */
    public static void signal(String name, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }

    /** True when the pid is a redis-server (pids are reused; a stale pid file may name anything). */
    public static boolean isRedis(long pid) {
        return cmdline(Path.of("/proc", Long.toString(pid))).contains("redis-server");
    }

    public static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String cmdline(Path proc) {
        try {
            return Files.readString(proc.resolve("cmdline")).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }
}
