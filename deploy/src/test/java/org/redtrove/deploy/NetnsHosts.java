package org.redtrove.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts of {@code deploy/netns-hosts} for one test: network namespaces with addresses of their
 * own on a bridge of the test's own. Namespaces and bridges belong to the whole machine, so their
 * names carry a random suffix, the subnet is chosen at random among those nobody routes, and
 * {@link #close} removes everything, also from a shutdown hook should the JVM be stopped mid-test.
 */
public final class NetnsHosts implements AutoCloseable {

    /** One host: its namespace's name and its address on the bridge. */
    public record Host(String name, String address) {
    }

    private static final String SCRIPT_PROPERTY = "redtrove.netns-hosts";

    private final String bridge;
    private final String bridgeAddress;
    private final Map<String, Host> hosts;
    private final Thread cleanup;
    private boolean closed;

    private NetnsHosts(String bridge, String bridgeAddress, Map<String, Host> hosts) {
        this.bridge = bridge;
        this.bridgeAddress = bridgeAddress;
        this.hosts = hosts;
        this.cleanup = new Thread(this::removeQuietly, "netns-hosts-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Creates hosts named {@code <prefix><suffix>-<name>} for each of {@code names}. */
    public static NetnsHosts up(String prefix, String... names) throws IOException, InterruptedException {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        String bridge = prefix + suffix + "br";
        List<String> namespaces = new ArrayList<>();
        for (String name : names) {
            namespaces.add(prefix + suffix + "-" + name);
        }
        String lastFailure = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            // 10.100-249.x.0/24: clear of the script's default and of the usual private ranges.
            String subnet = "10." + ThreadLocalRandom.current().nextInt(100, 250) + "."
                    + ThreadLocalRandom.current().nextInt(0, 256) + ".0/24";
            List<String> command = new ArrayList<>(List.of("up", "--bridge", bridge, "--subnet", subnet));
            command.addAll(namespaces);
            Result result = run(command);
            if (result.exit() == 0) {
                return parse(bridge, result.output(), names, namespaces);
            }
            lastFailure = result.output();
            // A half-made layout must not stay behind; then try another subnet.
            List<String> down = new ArrayList<>(List.of("down", "--bridge", bridge));
            down.addAll(namespaces);
            run(down);
            if (!lastFailure.contains("already routed")) {
                break;
            }
        }
        throw new IllegalStateException("deploy/netns-hosts up failed:\n" + lastFailure);
    }

    private static NetnsHosts parse(String bridge, String output, String[] names, List<String> namespaces) {
        String bridgeAddress = null;
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("bridge")) {
                bridgeAddress = f[2].split("/")[0];
            } else if (f.length >= 3 && f[0].equals("host")) {
                addresses.put(f[1], f[2]);
            }
        }
        Map<String, Host> hosts = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            hosts.put(names[i], new Host(namespaces.get(i), addresses.get(namespaces.get(i))));
        }
        if (bridgeAddress == null || hosts.values().stream().anyMatch(h -> h.address() == null)) {
            throw new IllegalStateException("unexpected output of deploy/netns-hosts up:\n" + output);
        }
        return new NetnsHosts(bridge, bridgeAddress, hosts);
    }

    public String bridgeAddress() {
        return bridgeAddress;
    }

    public Host host(String name) {
        return hosts.get(name);
    }

    /** Takes the host's link down; answers when it is down. */
    public void partition(Host host) throws IOException, InterruptedException {
        check(run(List.of("partition", host.name())));
    }

    public void heal(Host host) throws IOException, InterruptedException {
        check(run(List.of("heal", host.name())));
    }

    /**
     * Kills what still runs inside our namespaces (only this test's processes can: the names are
     * its own), then removes the hosts and the bridge.
     */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        for (Host host : hosts.values()) {
            Result pids = runCommand(List.of(ip(), "netns", "pids", host.name()));
            for (String pid : pids.output().split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        List<String> down = new ArrayList<>(List.of("down", "--bridge", bridge));
        hosts.values().forEach(h -> down.add(h.name()));
        check(run(down));
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself
        }
    }

    private void removeQuietly() {
        try {
            close();
        } catch (Exception e) {
            System.err.println("could not remove the network namespaces of " + bridge + ": " + e.getMessage());
        }
    }

    /** The ip command, where root finds it even with a PATH that lacks the sbin directories. */
    public static String ip() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ip"))) {
                return Path.of(dir, "ip").toString();
            }
        }
        return "ip";
    }

    /** The script, from the system property failsafe sets, else beside the deploy module. */
    static Path script() {
        String configured = System.getProperty(SCRIPT_PROPERTY);
        return configured != null ? Path.of(configured) : Path.of("netns-hosts").toAbsolutePath();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script().toString()));
        command.addAll(args);
        return runCommand(command);
    }

    private static Result runCommand(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void check(Result result) {
        if (result.exit() != 0) {
            throw new IllegalStateException("deploy/netns-hosts failed (" + result.exit() + "):\n" + result.output());
        }
    }
}
