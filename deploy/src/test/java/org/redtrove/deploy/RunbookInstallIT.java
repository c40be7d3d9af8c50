package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.embedded.Processes;
import tools.jackson.databind.JsonNode;

/**
 * The runbook's "Install a host" (deploy/runbooks/hosts-and-upgrades.md), its shell block run as
 * written with the absolute paths it installs to moved under a temporary root. No systemd runs
 * here, so the agent is started the way the installed unit says: its WorkingDirectory, its
 * EnvironmentFile and its ExecStart. The host registers, and the next instance is built on it.
 */
class RunbookInstallIT {

    private static final Path RUNBOOK = Path.of("runbooks", "hosts-and-upgrades.md");
    private static final Duration BUILD = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void aHostInstalledAsTheRunbookSaysTakesTheNextInstance() throws Exception {
        Path root = work.resolve("root");
        Files.createDirectories(root.resolve("etc/systemd/system"));
        try (ProcessStack stack = ProcessStack.start(work, List.of())) {
            int first = 23000 + 100 * java.util.concurrent.ThreadLocalRandom.current().nextInt(50);
            Map<String, String> inputs = new HashMap<>();
            inputs.put("HOST_ADDRESS", "127.0.0.1");
            inputs.put("PORT_RANGE", first + "-" + (first + 99));
            inputs.put("AMQP_URL", stack.brokerEnvironment().get("REDTROVE_AMQP_URL"));
            inputs.put("METRICS_TOKEN", "runbook-token");

            List<String> skipped = new ArrayList<>();
            for (String line : commands(section(Files.readString(RUNBOOK), "## Install a host"))) {
                if (line.startsWith("systemctl ")) {
                    skipped.add(line);
                    continue;
                }
                run(under(root, line), inputs);
            }
            assertThat(skipped).containsExactly("systemctl daemon-reload && systemctl enable --now redtrove-guestagent");

            Path etc = root.resolve("etc/redtrove");
            assertThat(mode(etc.resolve("guestagent.properties"))).isEqualTo("rw-------");
            assertThat(mode(etc.resolve("guestagent.env"))).isEqualTo("rw-------");
            assertThat(mode(root.resolve("var/lib/redtrove"))).isEqualTo("rwx------");
            String properties = Files.readString(etc.resolve("guestagent.properties"));
            assertThat(properties).contains("redtrove.guest.address=127.0.0.1\n", "redtrove.guest.port-range=" + first);
            // What the installed files name outside the temporary root moves under it too; the
            // metrics port is one that is free here.
            Files.writeString(etc.resolve("guestagent.properties"), under(root, properties)
                    .replace("redtrove.metrics.port=9782", "redtrove.metrics.port=" + Processes.freePort()));
            // This test's queues are namespaced: one line more than an operator writes.
            Files.writeString(etc.resolve("guestagent.env"), "REDTROVE_AMQP_PREFIX="
                    + stack.brokerEnvironment().get("REDTROVE_AMQP_PREFIX") + "\n", java.nio.file.StandardOpenOption.APPEND);

            Unit unit = Unit.read(root.resolve("etc/systemd/system/redtrove-guestagent.service"), root);
            Path dataDir = root.resolve("var/lib/redtrove/guest");
            try (JarProcess agent = JarProcess.exec(unit.command(), unit.workingDirectory(), unit.environment())) {
                agent.awaitLine("heartbeating to", BUILD);
                String hostId = Files.readString(dataDir.resolve("host-id")).trim();
                stack.awaitReporting(hostId, Duration.ofSeconds(60));

                TroveHttp trove = stack.login();
                String id = trove.createInstance("{\"instance\":{\"name\":\"installed\",\"flavorRef\":\"1\"}}");
                JsonNode active = trove.awaitStatus(id, BUILD, "ACTIVE");
                assertThat(active.get("port").asInt()).isBetween(first, first + 99);
                JsonNode host = trove.trove("GET", "/mgmt/hosts/" + hostId, null).json().get("host");
                assertThat(host.get("instances").get(0).get("id").asString()).isEqualTo(id);
                assertThat(Files.isDirectory(dataDir.resolve("instances").resolve(id))).isTrue();
                assertThat(agent.output()).doesNotContain(inputs.get("AMQP_URL"));
            } finally {
                RedisProcesses.killInstancesOf(dataDir);
            }
        }
    }

    /** The first shell block after the heading. */
    static String section(String markdown, String heading) {
        String from = markdown.substring(markdown.indexOf(heading));
        String block = from.substring(from.indexOf("```sh\n") + "```sh\n".length());
        return block.substring(0, block.indexOf("```"));
    }

    /** Its commands, a line ending in a backslash joined with the next, comments left out. */
    static List<String> commands(String block) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : block.split("\n")) {
            if (current.isEmpty() && (line.isBlank() || line.trim().startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1);
                continue;
            }
            commands.add(current.append(line).toString().trim());
            current.setLength(0);
        }
        return commands;
    }

    /** The paths a host installs to, under {@code root}. */
    static String under(Path root, String text) {
        return text.replaceAll("(?<![\\w.-])/(opt|etc|var)/", root + "/$1/");
    }

    private static void run(String command, Map<String, String> inputs) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", command)
                .directory(Path.of("..").toAbsolutePath().normalize().toFile()).redirectErrorStream(true);
        builder.environment().putAll(inputs);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command + "\n" + output).isZero();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** The three lines of a service unit that say how its process starts. */
    record Unit(List<String> command, Path workingDirectory, Map<String, String> environment) {

        static Unit read(Path file, Path root) throws Exception {
            Map<String, String> service = new HashMap<>();
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    // EnvironmentFile's leading "-": no error if the file is missing
                    service.put(line.substring(0, eq), under(root, line.substring(eq + 1).replaceFirst("^-", "")));
                }
            }
            List<String> command = new ArrayList<>(List.of(service.get("ExecStart").split("\\s+")));
            assertThat(command.get(0)).isEqualTo("/usr/bin/java");
            if (!Files.isExecutable(Path.of(command.get(0)))) {
                command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
            }
            Map<String, String> environment = new HashMap<>();
            String envFile = service.get("EnvironmentFile");
            for (String line : Files.readAllLines(Path.of(envFile))) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    environment.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return new Unit(command, Path.of(service.get("WorkingDirectory")), environment);
        }
    }
}
