package org.redtrove.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The packaged RedTrove jar run as a separate process, with its output captured. */
public final class JarProcess implements AutoCloseable {

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private JarProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    public static Path jar() {
        String jar = System.getProperty("redtrove.jar");
        if (jar == null) {
            throw new IllegalStateException("run through failsafe: the system property redtrove.jar is not set");
        }
        return Path.of(jar);
    }

    public static JarProcess start(Path workDir, String... args) throws IOException {
        return start(workDir, java.util.Map.of(), args);
    }

    /** With extra environment variables: how secrets reach a service without showing on its command line. */
    public static JarProcess start(Path workDir, java.util.Map<String, String> env, String... args) throws IOException {
        return start(List.of(), workDir, env, args);
    }

    /**
     * Inside a network namespace, a host of {@code deploy/netns-hosts}: {@code ip netns exec} execs
     * the JVM in place, so the process (and its pid) is the service's own, and so are the
     * redis-servers a guest agent starts there.
     */
    public static JarProcess startInNamespace(String namespace, Path workDir, java.util.Map<String, String> env,
                                              String... args) throws IOException {
        return start(List.of(NetnsHosts.ip(), "netns", "exec", namespace), workDir, env, args);
    }

    private static JarProcess start(List<String> prefix, Path workDir, java.util.Map<String, String> env,
                                    String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("java", "-XX:+UseSerialGC", "-Xmx512m", "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("REDTROVE_DB_URL");
        builder.environment().remove("REDTROVE_AMQP_URL");
        builder.environment().putAll(env);
        return new JarProcess(builder.start());
    }

    /**
     * A command line of a service unit as it is written there (its own java, jar and options),
     * started in {@code workDir} with exactly {@code env} on top of this JVM's environment.
     */
    public static JarProcess exec(List<String> command, Path workDir, java.util.Map<String, String> env)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().remove("REDTROVE_DB_URL");
        builder.environment().remove("REDTROVE_AMQP_URL");
        builder.environment().putAll(env);
        return new JarProcess(builder.start());
    }

    /** Waits for a line of output containing {@code text}; returns it. */
    public String awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : output) {
                if (line.contains(text)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("process exited (" + process.exitValue() + ") before printing '" + text
                        + "':\n" + String.join("\n", output));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line with '" + text + "' within " + timeout + ":\n" + String.join("\n", output));
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        return String.join("\n", output);
    }

    /** SIGTERM, as a service manager or Ctrl-C would stop it; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("did not stop within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: nothing of ours gets to run. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
