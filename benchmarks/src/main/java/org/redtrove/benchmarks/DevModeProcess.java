package org.redtrove.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * `deploy/redtrove dev` as a child process, exactly as a user starts it: through the launcher, so
 * with its unpacked jar and class-data archive (made by {@link #prepare} before anything is timed).
 * A jar other than the launcher's own is run as REDTROVE_JAR, as it is.
 */
final class DevModeProcess implements AutoCloseable {

    static final Path LAUNCHER = Path.of("deploy/redtrove");
    /**
     * The separate services' JVM options (the launcher's without dev mode's C1-only start): the
     * parts that measure RedTrove's work rather than its start run dev mode with them, so that their
     * figures are those of the services' compiled code.
     */
    static final String SERVICES_JVM = "-XX:+UseSerialGC -Xss512k -XX:MaxRAM=2g";
    static final Map<String, String> SERVICES_JIT = Map.of("JAVA_OPTS", SERVICES_JVM);
    /** What the launcher gives dev mode by default (deploy/redtrove): the services' options, C1 only. */
    static final String DEV_MODE_JVM = SERVICES_JVM + " -XX:TieredStopAtLevel=1";
    private static final Path LAUNCHERS_JAR = Path.of("deploy/target/redtrove.jar");

    final Process process;
    final Path dataDir;
    final int port;
    final double coldStartSeconds;
    private final List<String> output = new CopyOnWriteArrayList<>();

    /** Dev mode with the services' JIT ({@link #SERVICES_JIT}). */
    DevModeProcess(Path jar, Path dataDir) throws Exception {
        this(jar, dataDir, List.of(), SERVICES_JIT);
    }

    /** Dev mode exactly as the launcher runs it by default. */
    static DevModeProcess asUsersRunIt(Path jar, Path dataDir) throws Exception {
        return new DevModeProcess(jar, dataDir, List.of(), Map.of());
    }

    /**
     * @param more options of {@code redtrove dev}
     * @param env  settings as environment variables ({@code REDTROVE_FAILOVER_AUTOMATIC=false}), as
     *             a user would give them
     */
    DevModeProcess(Path jar, Path dataDir, List<String> more, Map<String, String> env) throws Exception {
        this.dataDir = dataDir;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        long began = System.nanoTime();
        ProcessBuilder builder = launcher(jar, dataDir, port, more).redirectErrorStream(true);
        builder.environment().putAll(env);
        process = builder.start();
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
        // its account of the start is the line after
        for (int i = 0; i < 100 && output.stream().noneMatch(l -> l.startsWith("Start-up: ")); i++) {
            Thread.sleep(20);
        }
    }

    /**
     * Runs the launcher once on a throw-away data dir, so that whatever it does once per build
     * (build, unpack, record the class-data archive) is done before any start is timed.
     * @return how long that took, in seconds
     */
    static double prepare(Path jar, Path work) throws Exception {
        long began = System.nanoTime();
        // the launcher says on standard error what it builds and records; the services' log is left out
        Process p = launcher(jar, work.resolve("prepare"), 0, List.of("--exit-when-ready"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the launcher's preparing run did not end within 10 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the launcher's preparing run failed (exit code " + p.exitValue() + ")");
        }
        return (System.nanoTime() - began) / 1e9;
    }

    private static ProcessBuilder launcher(Path jar, Path dataDir, int port, List<String> more) {
        List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString(), "dev", "--data-dir",
                dataDir.toString(), "--port", String.valueOf(port), "--identity-port", "0", "--sentinel-port", "0"));
        command.addAll(more);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("REDTROVE_JAR");
        if (!jar.toAbsolutePath().normalize().equals(LAUNCHERS_JAR.toAbsolutePath().normalize())) {
            builder.environment().put("REDTROVE_JAR", jar.toAbsolutePath().toString());
        }
        return builder;
    }

    /** The {@code Start-up:} line's parts (seconds), in its order; empty before it is printed. */
    Map<String, Double> startupPhases() {
        Map<String, Double> phases = new java.util.LinkedHashMap<>();
        for (String line : output) {
            int at = line.indexOf("Start-up: ");
            if (at < 0) {
                continue;
            }
            for (String part : line.substring(at + "Start-up: ".length()).split(", ")) {
                int space = part.lastIndexOf(' ', part.length() - 3);
                if (space > 0 && part.endsWith(" s")) {
                    phases.put(part.substring(0, space), Double.parseDouble(part.substring(space + 1,
                            part.length() - 2)));
                }
            }
        }
        return phases;
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
