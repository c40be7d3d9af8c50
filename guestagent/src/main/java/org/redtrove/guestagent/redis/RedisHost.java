package org.redtrove.guestagent.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.RedisState;
import org.redtrove.guestagent.redis.InstanceDirectory.InstanceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * The Redis instances of this host: what the guest RPCs operate on, and the supervisor that keeps the
 * processes running and their reports fresh.
 *
 * <p>On {@link #start()} it adopts every instance found under {@code <data-dir>/instances}: a
 * redis-server that is still running (named by its pid file and answering on its port) is watched, not
 * restarted, so restarting or upgrading the agent never interrupts a healthy Redis. Then, every
 * supervise interval, it restarts dead processes and reads INFO from live ones; in between, a process
 * exit is handled when it happens and {@link LivenessPingers} keep each instance's liveness fresh.
 * Role changes live in {@link RoleChanges}, the move to ACLs in {@link AccessMigration}.
 *
 * <p>Every operation is idempotent: the taskmanager repeats requests when a job is redelivered.
 */
public final class RedisHost implements AutoCloseable {

    /** What a pause or a wait reached, with the instance's report after it. */
    public record OffsetReached(InstanceReport instance, long offset) {
    }

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** How long a restarted redis-server may take to answer again: loading its AOF included. */
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger(RedisHost.class);

    private final RedisHostSettings settings;
    private final AgentFiles files;
    private final Map<UUID, ManagedInstance> instances = new ConcurrentHashMap<>();
    /** Serialises creation and removal, so two Prepares cannot pick the same port. */
    private final Object creation = new Object();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "redis-supervisor"));
    /** Probes run in parallel so one hung Redis (up to unresponsive-after per PING) does not delay the rest. */
    private final ExecutorService probes = Executors.newFixedThreadPool(4, r -> daemon(r, "redis-probe"));
    private final ProbeConnections probeConnections = new ProbeConnections();
    private final ExecutorService watches = Executors.newCachedThreadPool(r -> daemon(r, "redis-watch"));
    /** Restarts after an exit: never behind a supervision tick that waits on a hung Redis. */
    private final ExecutorService exits = Executors.newSingleThreadExecutor(r -> daemon(r, "redis-exit"));
    private final LivenessPingers pingers;
    private final RoleChanges roles = new RoleChanges();
    private final AccessMigration access = new AccessMigration();
    private final ManagedInstance.Events events = new ManagedInstance.Events() {
        @Override
        public void processGone(ManagedInstance instance) {
            submit(exits, () -> instance.superviseProcess(settings.redisServer(), Instant.now()));
        }

        @Override
        public void changed(ManagedInstance instance) {
            stateListener.run();
        }

        @Override
        public void answering(ManagedInstance instance) {
            submit(probes, () -> refresh(instance));
        }
    };
    private volatile Runnable stateListener = () -> { };

    public RedisHost(RedisHostSettings settings) {
        this.settings = settings;
        this.files = new AgentFiles(settings.instancesDir());
        this.pingers = new LivenessPingers(settings.livenessInterval(), settings.unresponsiveAfter(),
                settings.selfFenceAfter());
    }

    private static void submit(ExecutorService executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public RedisHostSettings settings() {
        return settings;
    }

    /** Adopts or starts every instance on disk, then supervises them every supervise interval. */
    public void start() {
        try {
            Files.createDirectories(settings.instancesDir());
            Files.setPosixFilePermissions(settings.instancesDir(), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + settings.instancesDir(), e);
        }
        for (Path path : files.instanceDirsSweepingLeftovers()) {
            InstanceDirectory dir = new InstanceDirectory(path);
            if (!dir.exists()) {
                log.warn("ignoring {}: no {} (an unfinished Prepare)", path, InstanceDirectory.INSTANCE_JSON);
                continue;
            }
            try {
                dir.restrictToOwner();
                ManagedInstance instance = load(dir);
                instances.put(instance.id(), instance);
                adoptOrStart(instance);
                pingers.watch(instance);
            } catch (RuntimeException e) {
                log.error("cannot load instance in {}: {}", path, e.toString());
            }
        }
        long interval = settings.superviseInterval().toMillis();
        supervisor.scheduleWithFixedDelay(this::superviseAll, interval, interval, TimeUnit.MILLISECONDS);
        pingers.start();
    }

    private ManagedInstance load(InstanceDirectory dir) {
        return new ManagedInstance(dir.readRecord(), dir, settings.connectHost(), settings.unresponsiveAfter(), events);
    }

    private void adoptOrStart(ManagedInstance instance) {
        Optional<RedisProcess> running = RedisProcess.findRunning(instance.dir());
        if (running.isPresent() && isOurs(running.get(), instance)) {
            instance.adopt(running.get());
            log.info("adopted running redis-server of instance {} (pid {}, port {})", instance.id(),
                    running.get().pid(), instance.port());
        } else if (instance.holdIfDiedUnwatched()) {
            log.warn("instance {} is a master whose redis-server died while no agent watched; held for the "
                    + "taskmanager", instance.id());
        } else {
            instance.superviseProcess(settings.redisServer(), Instant.now());
        }
        refresh(instance);
    }

    /**
     * The pid file's process is our Redis if it answers our credentials on our port. A hung one that does
     * not answer still is, when its title shows our port: starting a second copy beside it would only
     * fail to bind, so we watch it (UNRESPONSIVE) instead.
     */
    private static boolean isOurs(RedisProcess process, ManagedInstance instance) {
        Probe probe = Probe.of(instance.endpoint());
        if (probe.answer() == Probe.Answer.PONG || probe.answer() == Probe.Answer.LOADING) {
            return true;
        }
        return RedisProcess.commandLine(process.pid()).contains(":" + instance.port());
    }

    private void superviseAll() {
        try {
            List<CompletableFuture<Void>> ticks = instances.values().stream()
                    .map(i -> CompletableFuture.runAsync(() -> superviseOne(i), probes))
                    .toList();
            CompletableFuture.allOf(ticks.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            log.warn("supervision tick failed: {}", e.toString());
        }
    }

    private void superviseOne(ManagedInstance instance) {
        instance.superviseProcess(settings.redisServer(), Instant.now());
        if (refresh(instance).state() == RedisState.RUNNING) {
            instance.checkDisk();
        }
    }

    /** Probes the instance now and folds the result into its state. */
    private InstanceReport refresh(ManagedInstance instance) {
        long generation = instance.tracking().generation();
        Probe probe = probeConnections.of(instance.id(), instance.endpoint());
        return instance.record(probe, generation, Instant.now());
    }

    // ---- guest operations -------------------------------------------------------------------------

    /**
     * Creates and starts the instance as a master of the request's set, or, if it exists, makes sure
     * it runs (a held instance included). Answers its report.
     */
    public InstanceReport prepare(GuestRequest.Prepare r) {
        return prepare(r, DataSeed.NONE);
    }

    /**
     * Like {@link #prepare(GuestRequest.Prepare)}, a new instance starting with the seed's data (a
     * restore); an instance that exists already keeps its own.
     */
    public InstanceReport prepare(GuestRequest.Prepare r, DataSeed seed) {
        if (r.password() == null || r.password().isEmpty()) {
            throw new GuestOperationException("an instance needs a password");
        }
        if (seed != DataSeed.NONE && !instances.containsKey(r.instanceId())) {
            // The copy can take minutes: made outside the creation lock, moved in under it.
            Path staged = files.stage(r.instanceId(), seed);
            try {
                return create(r, AgentFiles.moveFrom(staged));
            } finally {
                AgentFiles.discard(staged);
            }
        }
        return create(r, seed);
    }

    private InstanceReport create(GuestRequest.Prepare r, DataSeed seed) {
        ManagedInstance instance;
        synchronized (creation) {
            instance = instances.get(r.instanceId());
            if (instance != null) {
                instance.wantRunning();
                instance.superviseProcess(settings.redisServer(), Instant.now());
            } else {
                if (r.replicationPassword() == null || r.replicationPassword().isEmpty()) {
                    throw new GuestOperationException("an instance needs a replication password");
                }
                int port = freePort();
                InstanceDirectory dir = new InstanceDirectory(settings.instancesDir().resolve(r.instanceId().toString()));
                InstanceRecord record = new InstanceRecord(r.instanceId(), port, r.maxmemoryBytes(), null,
                        r.membership(), false, null);
                dir.create(record, settings.bindAddress(), RedisUsers.forNewInstance(r.password(),
                        r.replicationPassword()), seed);
                instance = load(dir);
                instances.put(r.instanceId(), instance);
                pingers.watch(instance);
                log.info("prepared instance {} on port {}", r.instanceId(), port);
                instance.superviseProcess(settings.redisServer(), Instant.now());
                watchUntilRunning(instance);
            }
        }
        return refresh(instance);
    }

    /**
     * Called when an instance's state, hold or role changes (an exit, a hold, RUNNING and UNRESPONSIVE,
     * a new Redis answering, a role change), so the agent can report it at once rather than on its
     * next heartbeat.
     */
    public void onStateChange(Runnable listener) {
        this.stateListener = listener;
    }

    /**
     * Probes a new instance every 10 ms until it answers, so it is reported RUNNING (by the instance's
     * own state change) within milliseconds rather than at the next liveness PING.
     */
    private void watchUntilRunning(ManagedInstance instance) {
        watches.execute(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (refresh(instance).state() == RedisState.RUNNING) {
                    return; // the state listener has heard of it from the instance itself
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private int freePort() {
        Set<Integer> taken = instances.values().stream().map(ManagedInstance::port).collect(Collectors.toSet());
        for (int port = settings.ports().first(); port <= settings.ports().last(); port++) {
            if (!taken.contains(port) && bindable(port)) {
                return port;
            }
        }
        throw new GuestOperationException("no free port left in " + settings.ports().first() + "-"
                + settings.ports().last() + " on this host");
    }

    private boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as Redis binds: a port in TIME_WAIT is usable
            socket.bind(new InetSocketAddress(settings.connectHost(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the instance's Redis, waits for it to exit and removes its data. Unknown ids succeed. */
    public void delete(UUID id) {
        synchronized (creation) {
            pingers.forget(id);
            probeConnections.forget(id);
            ManagedInstance instance = instances.get(id);
            InstanceDirectory dir = instance != null ? instance.dir()
                    : new InstanceDirectory(settings.instancesDir().resolve(id.toString()));
            RedisProcess process = instance != null ? instance.stopSupervising() : null;
            if (process != null) {
                process.stop(STOP_GRACE);
            }
            // A redis-server we were not watching (e.g. the agent died between start and adopt) must not
            // keep running over a deleted directory.
            RedisProcess.findRunning(dir).ifPresent(p -> p.stop(STOP_GRACE));
            instances.remove(id);
            dir.deleteAll();
            log.info("deleted instance {}", id);
        }
    }

    public InstanceReport describe(UUID id) {
        return refresh(get(id));
    }

    /** The report of every instance as of now, for heartbeats: no Redis round trip. */
    public List<InstanceReport> reports() {
        return instances.values().stream().map(ManagedInstance::report)
                .sorted(Comparator.comparing(r -> r.instanceId().toString())).toList();
    }

    /**
     * Whether any instance is worth reporting every suspect-heartbeat interval rather than every
     * heartbeat interval: down or held, or itself or (for a replica) its master silent for longer
     * than suspect-after.
     */
    public boolean anySuspect() {
        long now = System.currentTimeMillis();
        return instances.values().stream().anyMatch(i -> i.suspect(now, settings.suspectAfter()));
    }

    /** See {@link RoleChanges#configureSource}. */
    public InstanceReport configureSource(GuestRequest.ConfigureSource r) {
        ManagedInstance instance = get(r.instanceId());
        roles.configureSource(instance, r);
        return refresh(instance);
    }

    /** See {@link RoleChanges#becomeMaster}; a held instance starts again. */
    public InstanceReport becomeMaster(GuestRequest.BecomeMaster r) {
        ManagedInstance instance = get(r.instanceId());
        roles.becomeMaster(instance, r);
        instance.superviseProcess(settings.redisServer(), Instant.now());
        return refresh(instance);
    }

    /** See {@link RoleChanges#follow}; a held or killed instance starts again, from its new files. */
    public InstanceReport follow(GuestRequest.Follow r) {
        ManagedInstance instance = get(r.instanceId());
        roles.follow(instance, r);
        instance.superviseProcess(settings.redisServer(), Instant.now());
        return refresh(instance);
    }

    /** A new flavor's memory, live and in the instance's files. */
    public InstanceReport resize(GuestRequest.Resize r) {
        ManagedInstance instance = get(r.instanceId());
        instance.resize(r.maxmemoryBytes());
        return refresh(instance);
    }

    /** The instance's volume: its data files are held to it from now on ({@link DiskBudget}). */
    public InstanceReport limitDisk(GuestRequest.LimitDisk r) {
        ManagedInstance instance = get(r.instanceId());
        instance.limitDisk(r.budgetBytes());
        return refresh(instance);
    }

    /** A configuration group's parameters, live and in the instance's files. */
    public InstanceReport configure(GuestRequest.Configure r) {
        ManagedInstance instance = get(r.instanceId());
        instance.configure(r.values());
        return refresh(instance);
    }

    /**
     * Stops redis-server gracefully and starts it again from its files; answers once it answers
     * PING again (loading its AOF included), or says it did not within the timeout.
     */
    public InstanceReport restart(GuestRequest.Restart r) {
        ManagedInstance instance = get(r.instanceId());
        RedisProcess stopped = instance.stopForRestart();
        if (stopped != null) {
            stopped.stop(STOP_GRACE);
        }
        instance.superviseProcess(settings.redisServer(), Instant.now());
        long deadline = System.nanoTime() + RESTART_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            InstanceReport report = refresh(instance);
            if (report.state() == RedisState.RUNNING) {
                return report;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new GuestOperationException("instance " + r.instanceId() + " did not answer within "
                + RESTART_TIMEOUT.toSeconds() + " s of its restart");
    }

    /** See {@link AccessMigration}. */
    public InstanceReport configureAccess(GuestRequest.ConfigureAccess r) {
        ManagedInstance instance = get(r.instanceId());
        access.configureAccess(instance, r);
        return refresh(instance);
    }

    /** CLIENT PAUSE WRITE; the offset read after the pause is final until unpause or timeout. */
    public OffsetReached pauseWrites(UUID id, long timeoutMillis) {
        ManagedInstance instance = get(id);
        long offset = instance.withRedis(jedis -> {
            jedis.clientPause(timeoutMillis, ClientPauseMode.WRITE);
            return InfoReplication.masterReplOffset(jedis.info("replication"));
        });
        return new OffsetReached(refresh(instance), offset);
    }

    /** See {@link RoleChanges#disconnectTenants}. */
    public InstanceReport disconnectClients(UUID id) {
        ManagedInstance instance = get(id);
        instance.runOnRedis(RoleChanges::disconnectTenants);
        return refresh(instance);
    }

    public InstanceReport unpause(UUID id) {
        ManagedInstance instance = get(id);
        instance.runOnRedis(Jedis::clientUnpause);
        return refresh(instance);
    }

    /** Polls the replica's processed offset every 2 ms until it reaches {@code offset}. */
    public OffsetReached waitForOffset(UUID id, long offset, long timeoutMillis) {
        ManagedInstance instance = get(id);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long reached = instance.withRedis(jedis -> {
            while (true) {
                long now = InfoReplication.parse(jedis.info("replication")).processedOffset();
                if (now >= offset || System.nanoTime() > deadline) {
                    return now;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return now;
                }
            }
        });
        if (reached < offset) {
            throw new GuestOperationException("instance " + id + " reached offset " + reached + ", not "
                    + offset + ", within " + timeoutMillis + " ms");
        }
        return new OffsetReached(refresh(instance), reached);
    }

    /**
     * How code of this agent (a replication task's reader) logs in to one of its instances: as the
     * agent's own user, whose password never leaves the host.
     */
    public record LocalLogin(String host, int port, String user, String password) {

        private static final Duration CONNECT = Duration.ofSeconds(2);
        private static final Duration READ = Duration.ofSeconds(5);

        /** A connection as the agent's own user. */
        public Jedis open() {
            return new RedisEndpoint(host, port, user, password, CONNECT).open(READ);
        }

        /** Never print the password. */
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public Optional<LocalLogin> login(UUID id) {
        ManagedInstance instance = instances.get(id);
        if (instance == null) {
            return Optional.empty();
        }
        RedisEndpoint endpoint = instance.endpoint();
        return Optional.of(new LocalLogin(endpoint.host(), endpoint.port(), endpoint.user(), endpoint.password()));
    }

    /**
     * A file of the agent's own beside the instance directories (the same file system, so a hard
     * link to an instance's file works), never taken for an instance.
     */
    public Path scratchFile(String name) {
        return files.scratchFile(name);
    }

    /** The file the instance's BGSAVE writes; empty for an instance this host does not have. */
    public Optional<Path> snapshotFile(UUID id) {
        return Optional.ofNullable(instances.get(id)).map(i -> i.dir().snapshotFile());
    }

    /** The pid the agent supervises for the instance, while it is alive. */
    public OptionalLong pid(UUID id) {
        ManagedInstance instance = instances.get(id);
        Long pid = instance == null ? null : instance.pid();
        return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
    }

    private ManagedInstance get(UUID id) {
        ManagedInstance instance = instances.get(id);
        if (instance == null) {
            throw new GuestOperationException("no instance " + id + " on this host");
        }
        return instance;
    }

    /**
     * Stops supervising. Redis keeps running (the next agent adopts it) unless stop-redis-on-shutdown
     * is set, in which case every redis-server is stopped, in parallel, and waited for.
     */
    @Override
    public void close() {
        shutdown(settings.stopRedisOnShutdown());
    }

    /** Stops supervising and stops every redis-server, whatever stop-redis-on-shutdown says. */
    public void closeAndStopRedis() {
        shutdown(true);
    }

    private void shutdown(boolean stopRedis) {
        supervisor.shutdownNow();
        pingers.close();
        watches.shutdownNow();
        exits.shutdownNow();
        probes.shutdownNow();
        try {
            supervisor.awaitTermination(5, TimeUnit.SECONDS);
            probes.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probeConnections.close();
        if (!stopRedis) {
            return;
        }
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ManagedInstance instance : instances.values()) {
            RedisProcess process = instance.stopSupervising();
            if (process != null) {
                stops.add(CompletableFuture.runAsync(() -> process.stop(STOP_GRACE)));
            }
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        log.info("stopped {} redis-server processes", stops.size());
    }
}
