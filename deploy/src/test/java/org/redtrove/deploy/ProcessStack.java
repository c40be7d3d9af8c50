package org.redtrove.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.embedded.EmbeddedBroker;
import org.redtrove.embedded.EmbeddedDatabase;
import org.redtrove.embedded.PrivateFiles;
import org.redtrove.embedded.Processes;
import org.redtrove.embedded.SharedTestDatabase;

/**
 * RedTrove as separate processes of the packaged jar (api, taskmanager, guest agents), each of
 * which a test can kill with SIGKILL and start again, on an embedded PostgreSQL and AMQP broker
 * of the test's own. Secrets reach the processes through their environment, as in production.
 */
public final class ProcessStack implements AutoCloseable {

    public static final String ADMIN = "operator";
    private static final String FAILPOINTS = "failpoints";

    private final Path work;
    private final String database;
    private EmbeddedBroker broker;
    private final String prefix;
    private final int apiPort;
    private final String adminPassword = PrivateFiles.newSecret();
    private final Map<String, JarProcess> guests = new LinkedHashMap<>();
    private final Map<String, String> portRanges = new LinkedHashMap<>();
    private final List<String> taskmanagerProperties = new ArrayList<>();
    private final Map<String, String> apiEnvironment = new LinkedHashMap<>();
    private JarProcess api;
    /** More api processes on the same database and broker, as a production layout runs behind one address. */
    private final Map<Integer, JarProcess> moreApis = new LinkedHashMap<>();
    private final List<JarProcess> taskmanagers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ProcessStack(Path work, String database, EmbeddedBroker broker, int apiPort) {
        this.work = work;
        this.database = database;
        this.broker = broker;
        this.prefix = "ps-" + Long.toHexString(System.nanoTime());
        this.apiPort = apiPort;
    }

    /** Starts the database, the broker, a taskmanager, the given guest agents and the api. */
    public static ProcessStack start(Path work, List<String> hosts, String... taskmanagerProperties)
            throws Exception {
        return start(work, EmbeddedBroker.LOOPBACK, hosts, taskmanagerProperties);
    }

    /**
     * A stack for crash scenarios: its taskmanagers read failpoints from a file ({@link #haltAt}),
     * each time a job reaches a step, and a second taskmanager runs, to take over the jobs of one
     * that is killed.
     */
    public static ProcessStack startForCrashes(Path work, List<String> hosts, String... taskmanagerProperties)
            throws Exception {
        List<String> properties = new ArrayList<>(List.of(taskmanagerProperties));
        properties.add("redtrove.chaos.halt-file=" + work.resolve(FAILPOINTS));
        ProcessStack stack = start(work, hosts, properties.toArray(String[]::new));
        try {
            stack.startTaskmanager();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Halts any job that reaches one of these failpoints ({@code KIND:step:phase}, comma-separated,
     * {@code *} for any characters) in whichever taskmanager runs it, until they are released.
     */
    public void haltAt(String failpoints) throws IOException {
        Files.writeString(work.resolve(FAILPOINTS), failpoints);
    }

    /** Lets every job halted at a failpoint go on (in a taskmanager that is still alive). */
    public void releaseHalts() throws IOException {
        haltAt("");
    }

    /** Starts a taskmanager in a thread of its own, to stand in for a killed one; join it before the next. */
    public Thread startTaskmanagerInBackground() {
        Thread starting = new Thread(() -> {
            try {
                startTaskmanager();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "replacement-taskmanager");
        starting.start();
        return starting;
    }

    /**
     * With the broker on {@code brokerAddress}: a bridge's, for guest agents in network namespaces
     * ({@link #startGuestOn}). Every process reaches it there.
     */
    public static ProcessStack start(Path work, String brokerAddress, List<String> hosts,
                                     String... taskmanagerProperties) throws Exception {
        String database = SharedTestDatabase.newDatabase("redtrove_ps");
        EmbeddedBroker broker = EmbeddedBroker.start(Files.createTempDirectory("redtrove-ps-broker"), brokerAddress,
                Processes.freePort(), PrivateFiles.newSecret());
        ProcessStack stack = new ProcessStack(work, database, broker, Processes.freePort());
        try {
            // A crashed taskmanager's jobs are taken over after its lease lapses: short, for tests.
            stack.taskmanagerProperties.addAll(List.of("redtrove.taskmanager.job-lease=5s",
                    "redtrove.taskmanager.lease-renewal=1s", "redtrove.taskmanager.recovery-interval=1s"));
            stack.taskmanagerProperties.addAll(List.of(taskmanagerProperties));
            stack.startTaskmanager();
            // A block of its own, so that a chaos run or a benchmark beside the test suite seldom
            // meets a stack on the same ports (the guest only skips ports bound at allocation).
            int range = 21000 + 500 * java.util.concurrent.ThreadLocalRandom.current().nextInt(16);
            for (String host : hosts) {
                stack.startGuest(host, range + "-" + (range + 99));
                range += 100;
            }
            stack.startApi();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /** Stops the broker: every connection to it breaks, and every message in it is lost. */
    public void stopBroker() {
        broker.close();
    }

    /** Starts the broker again, empty, on the same port with the same password. */
    public void startBroker() throws Exception {
        broker = broker.startAgain();
    }

    private Map<String, String> env() {
        EmbeddedDatabase postgres = SharedTestDatabase.get();
        return Map.of(
                "REDTROVE_DB_URL", postgres.jdbcUrl(database),
                "REDTROVE_DB_USER", EmbeddedDatabase.USER,
                "REDTROVE_DB_PASSWORD", postgres.password(),
                "REDTROVE_AMQP_URL", broker.url(),
                "REDTROVE_AMQP_PREFIX", prefix,
                "REDTROVE_SECRETS_KEY_FILE", work.resolve("secret.key").toString(),
                "REDTROVE_IDENTITY_BOOTSTRAP_USER", ADMIN,
                "REDTROVE_IDENTITY_BOOTSTRAP_PASSWORD", adminPassword,
                "REDTROVE_IDENTITY_BOOTSTRAP_PROJECT", "ops",
                // scenarios create sets faster than their deletes finish
                "REDTROVE_QUOTA_INSTANCES", "-1");
    }

    /** How a process reaches this stack's broker: its URL (with the password) and the queues' prefix. */
    public Map<String, String> brokerEnvironment() {
        return Map.of("REDTROVE_AMQP_URL", broker.url(), "REDTROVE_AMQP_PREFIX", prefix);
    }

    /** Starts a taskmanager with this stack's settings plus {@code extra} ({@code --key=value}). */
    public JarProcess startTaskmanager(String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("taskmanager"));
        taskmanagerProperties.forEach(p -> args.add("--" + p));
        args.addAll(List.of(extra));
        JarProcess taskmanager = JarProcess.start(work, env(), args.toArray(String[]::new));
        taskmanagers.add(taskmanager);
        taskmanager.awaitLine("reads guest replies from", Duration.ofSeconds(120));
        return taskmanager;
    }

    /** The taskmanager processes started so far that are still alive. */
    public List<JarProcess> taskmanagers() {
        taskmanagers.removeIf(t -> !t.isAlive());
        return List.copyOf(taskmanagers);
    }

    /** Waits for a line of any live taskmanager's output; answers that taskmanager. */
    public JarProcess awaitTaskmanagerLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JarProcess t : taskmanagers()) {
                if (t.output().contains(text)) {
                    return t;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no taskmanager printed '" + text + "' within " + timeout + outputs());
    }

    public JarProcess startGuest(String host, String portRange) throws IOException, InterruptedException {
        JarProcess guest = JarProcess.start(work, env(), "guestagent",
                "--redtrove.guest.data-dir=" + guestDataDir(host),
                "--redtrove.guest.host-id=" + host, "--redtrove.guest.host-name=" + host,
                "--redtrove.guest.port-range=" + portRange);
        guest.awaitLine("heartbeating to", Duration.ofSeconds(120));
        guests.put(host, guest);
        portRanges.put(host, portRange);
        return guest;
    }

    public String portRange(String host) {
        return portRanges.get(host);
    }

    /** The host whose guest gives out this port. */
    public String hostOfPort(int port) {
        return portRanges.entrySet().stream().filter(e -> {
            String[] range = e.getValue().split("-");
            return port >= Integer.parseInt(range[0]) && port <= Integer.parseInt(range[1]);
        }).map(Map.Entry::getKey).findFirst().orElseThrow(() -> new IllegalStateException("no host has port " + port));
    }

    /**
     * Starts a guest agent inside a host of {@code deploy/netns-hosts}, as the agent of a machine of
     * its own: host id and name are the namespace's, and its Redis listen on, and are reached at,
     * the host's address.
     */
    public JarProcess startGuestOn(NetnsHosts.Host host, String portRange) throws IOException, InterruptedException {
        JarProcess guest = JarProcess.startInNamespace(host.name(), work, env(), "guestagent",
                "--redtrove.guest.data-dir=" + work.resolve("guest-" + host.name()),
                "--redtrove.guest.host-id=" + host.name(), "--redtrove.guest.host-name=" + host.name(),
                "--redtrove.guest.address=" + host.address(), "--redtrove.guest.bind-address=" + host.address(),
                "--redtrove.guest.port-range=" + portRange);
        guests.put(host.name(), guest);
        guest.awaitLine("heartbeating to", Duration.ofSeconds(120));
        return guest;
    }

    /** The stack's own database, for what the API does not show (when a host last reported). */
    public Connection connect() throws SQLException {
        return SharedTestDatabase.get().connect(database);
    }

    /**
     * Waits until the host's agent has reported within the last half second, as the taskmanager
     * sees it (the API does not show hosts); answers when.
     */
    public long awaitReporting(String hostId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection db = connect(); java.sql.PreparedStatement q = db.prepareStatement(
                "select extract(epoch from now() - last_heartbeat_at) from hosts where id = ?")) {
            q.setString(1, hostId);
            while (System.nanoTime() < deadline) {
                try (java.sql.ResultSet rs = q.executeQuery()) {
                    if (rs.next() && rs.getDouble(1) < 0.5) {
                        return System.currentTimeMillis();
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("host " + hostId + " does not report");
    }

    /** Starts the guest agent of {@code host} again, on the same data dir (after a kill). */
    public JarProcess restartGuest(String host, String portRange) throws IOException, InterruptedException {
        return startGuest(host, portRange);
    }

    /** SIGKILL to the guest agent of {@code host}, then the agent again on the same data dir. */
    public JarProcess killAndRestartGuest(String host) throws IOException, InterruptedException {
        guest(host).kill();
        return restartGuest(host, portRange(host));
    }

    /** SIGKILL to the api, then a new api on the same port; log in again afterwards. */
    public JarProcess killAndRestartApi() throws Exception {
        api.kill();
        return startApi();
    }

    /** The data dir of the guest agent of {@code host} (see {@link AgentAccess#instanceDir}). */
    public Path guestDataDir(String host) {
        return work.resolve("guest-" + host);
    }

    /**
     * Variables the api gets besides the stack's own, from its next start on: provisioning
     * ({@code REDTROVE_INSTANCE_*}, {@code REDTROVE_REPLICATION_*}) comes from the environment.
     */
    public void setApiEnvironment(Map<String, String> variables) {
        apiEnvironment.clear();
        apiEnvironment.putAll(variables);
    }

    public JarProcess startApi() throws Exception {
        api = startApiOn(apiPort);
        return api;
    }

    /** One more api process, on a port of its own; its URL is {@link #apiUrl(int)}. */
    public JarProcess startAnotherApi(int port) throws Exception {
        JarProcess another = startApiOn(port);
        moreApis.put(port, another);
        return another;
    }

    public String apiUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    private JarProcess startApiOn(int port) throws Exception {
        Map<String, String> environment = new LinkedHashMap<>(env());
        environment.putAll(apiEnvironment);
        JarProcess api = JarProcess.start(work, environment, "api", "--redtrove.api.port=" + port,
                "--redtrove.identity.port=0", "--redtrove.sentinel.port=0");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        TroveHttp probe = new TroveHttp(apiUrl(port));
        while (true) {
            try {
                if (probe.send("GET", "/identity/v3", null, null).status() == 200) {
                    return api;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("api did not start:\n" + api.output());
                }
                Thread.sleep(200);
            }
        }
    }

    /** Logs in as the bootstrap operator, who exists once the api's start-up runner has made it. */
    public TroveHttp login() throws Exception {
        return loginAt(apiUrl());
    }

    /** The same login through another address: a load balancer in front of the api processes. */
    public TroveHttp loginAt(String baseUrl) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return new TroveHttp(baseUrl).login(ADMIN, adminPassword, "ops");
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    public JarProcess api() {
        return api;
    }

    public JarProcess taskmanager() {
        return taskmanagers().get(0);
    }

    public JarProcess guest(String host) {
        return guests.get(host);
    }

    /** Every process's output, for a failure message. */
    public String outputs() {
        StringBuilder b = new StringBuilder();
        taskmanagers.forEach(t -> b.append("\n--- taskmanager:\n").append(t.output()));
        guests.forEach((h, g) -> b.append("\n--- guest ").append(h).append(":\n").append(g.output()));
        b.append("\n--- api:\n").append(api == null ? "" : api.output());
        moreApis.forEach((port, a) -> b.append("\n--- api on ").append(port).append(":\n").append(a.output()));
        return b.toString();
    }

    /** Stops every process, and every redis-server the guests left running (they keep them on purpose). */
    @Override
    public void close() throws Exception {
        if (api != null) {
            api.close();
        }
        for (JarProcess another : moreApis.values()) {
            another.close();
        }
        for (JarProcess taskmanager : taskmanagers) {
            taskmanager.close();
        }
        for (JarProcess guest : guests.values()) {
            guest.close();
        }
        try (var pidFiles = Files.find(work, 4, (p, a) -> p.getFileName().toString().equals("redis.pid"))) {
            for (Path pidFile : pidFiles.toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
                        .filter(h -> RedisProcesses.isRedis(h.pid())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        broker.close();
        SharedTestDatabase.dropDatabase(database);
    }
}
