package org.redtrove.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** `redtrove dev` as a child process, exactly as a user starts it. */
final class DevModeProcess implements AutoCloseable {

    final Process process;
    final Path dataDir;
    final int port;
    final double coldStartSeconds;
    private final List<String> output = new CopyOnWriteArrayList<>();

    DevModeProcess(Path jar, Path dataDir) throws Exception {
        this.dataDir = dataDir;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        long began = System.nanoTime();
        process = new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xss512k", "-XX:MaxRAM=2g", "-jar",
                jar.toString(), "dev", "--data-dir", dataDir.toString(), "--port", String.valueOf(port))
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (Exception ignored) {
                // process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        while (output.stream().noneMatch(l -> l.contains("RedTrove is ready"))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dev mode exited:\n" + String.join("\n", output));
            }
            if (System.nanoTime() - began > TimeUnit.MINUTES.toNanos(3)) {
                throw new IllegalStateException("dev mode did not become ready");
            }
            Thread.sleep(20);
        }
        coldStartSeconds = (System.nanoTime() - began) / 1e9;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String adminPassword() throws Exception {
        return Files.readString(dataDir.resolve("admin-password")).trim();
    }

    /** Everything the dev mode printed so far (its services log to standard output). */
    List<String> output() {
        return List.copyOf(output);
    }

    /** Resident memory of the dev-mode JVM, in MiB. */
    long rssMib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
