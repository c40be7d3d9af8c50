package org.redtrove.deploy.dev;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.redtrove.api.ApiApplication;
import org.redtrove.api.identity.IdentityAdmin;
import org.redtrove.common.metrics.ManagementPort;
import org.redtrove.common.metrics.MetricsServer;
import org.redtrove.embedded.EmbeddedBroker;
import org.redtrove.embedded.EmbeddedDatabase;
import org.redtrove.embedded.PrivateFiles;
import org.redtrove.embedded.Processes;
import org.redtrove.guestagent.GuestAgentApplication;
import org.redtrove.taskmanager.TaskManagerApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Everything RedTrove needs, in this JVM: PostgreSQL and an AMQP broker (embedded unless external
 * ones are given), the taskmanager, one guest agent and the api, each in its own Spring context
 * exactly as they run as separate services, started side by side where they do not need each other
 * ({@link #startAll()}). Closing the stack stops all of it, Redis instances included.
 */
public final class DevStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DevStack.class);
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PROJECT = "admin";

    private final DevOptions options;
    private final List<ConfigurableApplicationContext> extraGuests = new ArrayList<>();
    private final List<ConfigurableApplicationContext> extraTaskmanagers = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final StartupPhases phases = new StartupPhases();
    private FileChannel lockChannel;
    private EmbeddedDatabase database;
    private EmbeddedBroker broker;
    private ConfigurableApplicationContext taskmanager;
    private ConfigurableApplicationContext guest;
    private ConfigurableApplicationContext api;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private String amqpUrl;
    private String adminPassword;
    private String adminProjectId;
    private int apiPort;
    private int identityPort;
    private int sentinelPort;
    private int brokerPort;

    private DevStack(DevOptions options) {
        this.options = options;
    }

    public static DevStack start(DevOptions options) throws Exception {
        DevStack stack = new DevStack(options);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Parts that do not need each other start together: the database, the broker and the guest
     * agent at once, then the taskmanager and the api once the database answers and the guest agent
     * has set up logging (which two contexts must not do at once). No service connects to the broker
     * before it is up: their lifecycles (listeners, heartbeats, the outbox relay) start behind a
     * {@link BrokerGate}. The api and the taskmanager both run the migrations, under Flyway's lock.
     */
    private void startAll() throws Exception {
        Path dir = options.dataDir().toAbsolutePath();
        PrivateFiles.createDirectory(dir);
        lock(dir);
        // 0: Tomcat binds a free port itself, read back once it listens. A port picked here and
        // bound seconds later may meanwhile be taken as the local port of some outgoing connection.
        apiPort = options.apiPort();
        if (apiPort != 0 && !Processes.portFree(apiPort)) {
            throw new IllegalStateException("Port " + apiPort + " on 127.0.0.1 is in use; choose another with --port.");
        }
        int requestedIdentityPort = identityPortToRequest();
        adminPassword = adminPassword(dir);
        ExecutorService starts = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "redtrove-start");
            t.setDaemon(true);
            return t;
        });
        try {
            startEverything(dir, requestedIdentityPort, starts);
        } finally {
            starts.shutdown();
        }
        apiPort = Integer.parseInt(api.getEnvironment().getProperty("local.server.port"));
        identityPort = Integer.parseInt(api.getEnvironment().getProperty("local.identity.port"));
        sentinelPort = Integer.parseInt(api.getEnvironment().getProperty("local.sentinel.port", "-1"));
        // the api's BootstrapAdmin made the operator before its ports opened (the properties above);
        // a second ensureAdmin would only check the password's bcrypt hash once more
        adminProjectId = api.getBean(IdentityAdmin.class).projectId(ADMIN_PROJECT).orElseThrow(
                () -> new IllegalStateException("the api did not bootstrap project " + ADMIN_PROJECT));
        writeOpenrc(dir);
        phases.time("guest agent registered", () -> {
            awaitHost(Duration.ofSeconds(60));
            return null;
        });
    }

    private void startEverything(Path dir, int requestedIdentityPort, ExecutorService starts) throws Exception {
        Future<EmbeddedDatabase> db = null;
        if (options.dbUrl() != null) {
            dbUrl = options.dbUrl();
        } else {
            int port = Processes.freePort();
            db = starts.submit(() -> phases.time("database", () -> EmbeddedDatabase.start(dir, port)));
        }
        BrokerGate gate = new BrokerGate();
        Future<EmbeddedBroker> mq = null;
        if (options.amqpUrl() != null) {
            amqpUrl = options.amqpUrl();
            gate.open();
        } else {
            brokerPort = Processes.freePort();
            amqpUrl = EmbeddedBroker.url(EmbeddedBroker.LOOPBACK, brokerPort, brokerPassword());
            mq = starts.submit(() -> phases.time("broker", () -> {
                try {
                    return startEmbeddedBroker();
                } finally {
                    gate.open(); // also on failure: the services then fail on their own, and are stopped
                }
            }));
        }
        CountDownLatch loggingReady = new CountDownLatch(1);
        Future<ConfigurableApplicationContext> g = starts.submit(() -> phases.time("guest agent",
                () -> runGuest(guestAgentBuilder().listeners(new ContextInitialized(loggingReady)).initializers(gate))));
        StartedTogether started = new StartedTogether();
        database = started.await(db);
        if (database != null) {
            dbUrl = database.jdbcUrl();
            dbUser = EmbeddedDatabase.USER;
            dbPassword = database.password();
        }
        while (!loggingReady.await(20, TimeUnit.MILLISECONDS) && !g.isDone()) {
            // a guest agent that fails early never sets up logging; its failure is reported below
        }
        Future<ConfigurableApplicationContext> tm = null;
        Future<ConfigurableApplicationContext> a = null;
        if (started.ok()) {
            tm = starts.submit(() -> phases.time("taskmanager",
                    () -> run(TaskManagerApplication.builder().initializers(gate))));
            // the identity port is an argument, not a builder property: api.properties sets that key,
            // and builder properties rank below the properties files. The operator is bootstrapped
            // before the ports open, so that provisioning from the environment finds its project.
            a = starts.submit(() -> phases.time("api", () -> run(ApiApplication.builder()
                            .initializers(gate)
                            .properties("redtrove.api.port=" + apiPort, "redtrove.api.bind-address=127.0.0.1",
                                    "redtrove.identity.bootstrap.user=" + ADMIN_USER,
                                    "redtrove.identity.bootstrap.password=" + adminPassword,
                                    "redtrove.identity.bootstrap.project=" + ADMIN_PROJECT),
                    "--redtrove.identity.port=" + requestedIdentityPort,
                    "--" + sentinelPortSetting())));
        }
        broker = started.await(mq);
        guest = started.await(g);
        taskmanager = started.await(tm);
        api = started.await(a);
        started.rethrow();
    }

    /** How long each part of the start took. */
    public StartupPhases startupPhases() {
        return phases;
    }

    /**
     * The Sentinel endpoint's port as the options set it (DevMain asks for 26379 when it is free),
     * else a free one: tests start many stacks. An argument, like the identity port, to rank above
     * api.properties.
     */
    private String sentinelPortSetting() {
        return options.properties().stream().filter(p -> p.startsWith("redtrove.sentinel.port=")).reduce((a, b) -> b)
                .orElse("redtrove.sentinel.port=0");
    }

    /** The identity port to give the api: 0 lets Tomcat pick a free one, read back once it listens. */
    private int identityPortToRequest() {
        int port = options.identityPort();
        if (port == DevOptions.IDENTITY_PORT_5000_OR_FREE) {
            return Processes.portFree(5000) ? 5000 : 0;
        }
        if (port != 0 && !Processes.portFree(port)) {
            throw new IllegalStateException("Port " + port + " on 127.0.0.1 is in use; choose another with "
                    + "--identity-port.");
        }
        return port;
    }

    /** Starts the guest agent of this machine (again, after {@link #stopGuestAgent()}). */
    public void startGuestAgent() {
        guest = runGuest(guestAgentBuilder());
    }

    private SpringApplicationBuilder guestAgentBuilder() {
        Path dir = options.dataDir().toAbsolutePath();
        return GuestAgentApplication.builder().properties(
                "redtrove.guest.data-dir=" + dir.resolve("guest"),
                "redtrove.guest.port-range=" + options.guestPortRange(),
                "redtrove.guest.stop-redis-on-shutdown=false");
    }

    /**
     * Stops the embedded broker, as a broker outage would: the services keep running and retry.
     * Messages in flight are lost with it, as with any in-memory broker.
     */
    public void stopBroker() {
        if (broker == null) {
            throw new IllegalStateException("this stack uses an external broker");
        }
        broker.close();
        broker = null;
    }

    /** Starts the embedded broker again on the same port, empty. */
    public void startBroker() throws Exception {
        if (broker == null) {
            broker = startEmbeddedBroker();
        }
    }

    /** The broker's password is kept in the data dir, so a restarted broker takes the same one. */
    private EmbeddedBroker startEmbeddedBroker() throws Exception {
        return EmbeddedBroker.start(options.dataDir().toAbsolutePath().resolve("broker"), brokerPort, brokerPassword());
    }

    /** The token Prometheus shows every process of this stack (Authorization: Bearer), kept in the data dir. */
    public String metricsToken() {
        try {
            return PrivateFiles.secret(options.dataDir().toAbsolutePath().resolve("metrics-token"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The api's metrics: /actuator/prometheus on its Trove port. */
    public String apiMetricsUrl() {
        return apiUrl() + "/actuator/prometheus";
    }

    /** The taskmanager's management port. */
    public String taskmanagerMetricsUrl() {
        return metricsUrl(taskmanager);
    }

    /** The management port of this machine's guest agent. */
    public String guestMetricsUrl() {
        return metricsUrl(guest);
    }

    /** The management port of a guest agent or taskmanager of this stack (an extra one too). */
    public static String metricsUrl(ConfigurableApplicationContext context) {
        int port = context.getBeansOfType(ManagementPort.class).values().stream()
                .flatMapToInt(p -> p.port().stream()).findFirst()
                .orElseThrow(() -> new IllegalStateException("this context serves no metrics"));
        return "http://127.0.0.1:" + port + MetricsServer.PATH;
    }

    private String brokerPassword() throws IOException {
        return PrivateFiles.secret(options.dataDir().toAbsolutePath().resolve("broker-password"));
    }

    /**
     * Starts one more guest agent in this JVM, standing for another host: its own data dir, host id
     * and port range. Used to see placement across hosts; it is stopped with the stack.
     */
    public ConfigurableApplicationContext startExtraGuestAgent(String hostId, String portRange) {
        return startExtraGuestAgent(hostId, portRange, true);
    }

    /**
     * @param stopRedisOnShutdown false to leave its Redis instances running when the agent's context
     *                            is closed, as a crashed agent would (or a host, once they are killed)
     */
    public ConfigurableApplicationContext startExtraGuestAgent(String hostId, String portRange,
                                                               boolean stopRedisOnShutdown) {
        ConfigurableApplicationContext extra = runGuest(GuestAgentApplication.builder().properties(
                "redtrove.guest.data-dir=" + extraGuestDataDir(hostId),
                "redtrove.guest.host-id=" + hostId,
                "redtrove.guest.host-name=" + hostId,
                "redtrove.guest.port-range=" + portRange,
                "redtrove.guest.stop-redis-on-shutdown=" + stopRedisOnShutdown));
        extraGuests.add(extra);
        return extra;
    }

    public Path extraGuestDataDir(String hostId) {
        return options.dataDir().toAbsolutePath().resolve("guest-" + hostId);
    }

    /** A second taskmanager on the same database and broker, as a production layout runs two. */
    public ConfigurableApplicationContext startExtraTaskmanager() {
        ConfigurableApplicationContext extra = run(TaskManagerApplication.builder());
        extraTaskmanagers.add(extra);
        return extra;
    }

    /**
     * Stops the guest agent as a SIGTERM would stop a separate guest process: its Redis instances
     * keep running, and the next agent adopts them.
     */
    public void stopGuestAgent() {
        if (guest != null) {
            guest.close();
            guest = null;
        }
    }

    /**
     * Starts a service that uses the database. Passwords go in as properties of this JVM, never on
     * a command line another user could read.
     */
    private ConfigurableApplicationContext run(SpringApplicationBuilder builder, String... args) {
        return run(builder, true, args);
    }

    /** A guest agent holds no database credentials, as a separate one does not; and it may start before they exist. */
    private ConfigurableApplicationContext runGuest(SpringApplicationBuilder builder) {
        return run(builder, false);
    }

    private ConfigurableApplicationContext run(SpringApplicationBuilder builder, boolean database, String... args) {
        List<String> properties = new ArrayList<>(List.of(
                "redtrove.amqp.url=" + amqpUrl,
                "redtrove.amqp.prefix=" + options.amqpPrefix(),
                "redtrove.secrets.key-file=" + options.dataDir().toAbsolutePath().resolve("secret.key"),
                // one backup store for the taskmanager and every guest agent of this machine
                "redtrove.backups.dir=" + options.dataDir().toAbsolutePath().resolve("backups"),
                // every process's metrics behind one token; the taskmanager's and the guest agents'
                // management ports are free ones (read back with metricsPort), as tests start many
                "redtrove.metrics.token=" + metricsToken(),
                "redtrove.metrics.port=0"));
        if (database) {
            properties.add("redtrove.db.url=" + dbUrl);
        }
        if (database && dbPassword != null) {
            properties.add("redtrove.db.user=" + dbUser);
            properties.add("redtrove.db.password=" + dbPassword);
        }
        properties.addAll(options.properties());
        return builder
                .registerShutdownHook(false) // this stack closes them, in order
                .properties(properties.toArray(String[]::new))
                .run(args);
    }

    private void lock(Path dir) throws IOException {
        lockChannel = FileChannel.open(dir.resolve("dev.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            lockChannel = null;
            throw new IllegalStateException("Another RedTrove dev mode is using " + dir + ".");
        }
    }

    private static String adminPassword(Path dir) throws IOException {
        return PrivateFiles.secret(dir.resolve("admin-password"));
    }

    private void writeOpenrc(Path dir) throws IOException {
        String openrc = """
                # RedTrove dev mode: `source` this file to use the trove and openstack clients.
                export OS_AUTH_URL=%s/identity/v3
                export OS_IDENTITY_API_VERSION=3
                export OS_AUTH_TYPE=password
                export OS_USERNAME=%s
                export OS_PASSWORD='%s'
                export OS_PROJECT_NAME=%s
                export OS_USER_DOMAIN_NAME=Default
                export OS_PROJECT_DOMAIN_NAME=Default
                export OS_REGION_NAME=RegionOne
                export TROVECLIENT_UUID_CACHE_DIR=%s
                # The Sentinel-compatible endpoint: master name = the replica set's name, AUTH = its password.
                export REDTROVE_SENTINEL_HOST=%s
                export REDTROVE_SENTINEL_PORT=%d
                """.formatted(identityUrl(), ADMIN_USER, adminPassword, ADMIN_PROJECT, dir.resolve("troveclient"),
                sentinelHost(), sentinelPort);
        PrivateFiles.write(dir.resolve("openrc"), openrc);
    }

    private void awaitHost(Duration timeout) throws InterruptedException {
        JdbcClient jdbc = taskmanager.getBean(JdbcClient.class);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Integer hosts = jdbc.sql("select count(*) from hosts where last_heartbeat_at > now() - interval '10 seconds'")
                    .query(Integer.class).single();
            if (hosts > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The guest agent did not register within " + timeout.toSeconds() + " s.");
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    /** The identity service, on its own port; openrc's OS_AUTH_URL points here. */
    public String identityUrl() {
        return "http://127.0.0.1:" + identityPort;
    }

    public String sentinelHost() {
        return "127.0.0.1";
    }

    /** The Sentinel-compatible endpoint's port; -1 when it is disabled. */
    public int sentinelPort() {
        return sentinelPort;
    }

    public Path dataDir() {
        return options.dataDir().toAbsolutePath();
    }

    public String adminPassword() {
        return adminPassword;
    }

    public String adminProjectId() {
        return adminProjectId;
    }

    public String dbUrl() {
        return dbUrl;
    }

    public String amqpUrl() {
        return amqpUrl;
    }

    public ConfigurableApplicationContext taskmanager() {
        return taskmanager;
    }

    public ConfigurableApplicationContext guestAgent() {
        return guest;
    }

    public ConfigurableApplicationContext api() {
        return api;
    }

    /** Stops everything this stack started, the Redis instances of its guest agent included. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(api);
        if (guest != null) {
            try {
                GuestShutdown.stopAllRedis(guest);
            } catch (RuntimeException e) {
                log.warn("Could not stop every Redis instance: {}", e.getMessage());
            }
        }
        closeQuietly(guest);
        extraGuests.forEach(DevStack::closeQuietly);
        extraTaskmanagers.forEach(DevStack::closeQuietly);
        closeQuietly(taskmanager);
        closeQuietly(broker);
        closeQuietly(database);
        if (lockChannel != null) {
            try {
                lockChannel.close();
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            }
        }
    }

    private static void closeQuietly(AutoCloseable service) {
        if (service != null) {
            try {
                service.close();
            } catch (Exception e) {
                log.warn("Could not stop {}: {}", service.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
