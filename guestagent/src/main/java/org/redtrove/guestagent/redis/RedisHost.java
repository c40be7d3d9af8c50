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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.redtrove.common.InstanceReport;
import org.redtrove.guestagent.redis.InstanceDirectory.InstanceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis instances of this host: what the guest RPCs operate on, and the supervisor that keeps the
 * processes running and their reports fresh.
 *
 * <p>On {@link #start()} it adopts every instance found under {@code <data-dir>/instances}: a
 * redis-server that is still running (named by its pid file and answering on its port) is watched, not
 * restarted, so restarting or upgrading the agent never interrupts a healthy Redis. Then, every
 * supervise interval, it restarts dead processes and reads INFO from live ones.
 *
 * <p>Every operation is idempotent: the taskmanager repeats requests when a job is redelivered.
 */
public final class RedisHost implements AutoCloseable {

    /** What a pause or a wait reached, with the instance's report after it. */
    public record OffsetReached(InstanceReport instance, long offset) {
    }

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(RedisHost.class);

    private final RedisHostSettings settings;
    private final Map<UUID, ManagedInstance> instances = new ConcurrentHashMap<>();
    /** Serialises creation and removal, so two Prepares cannot pick the same port. */
    private final Object membership = new Object();
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "redis-supervisor"));
    /** Probes run in parallel so one hung Redis (up to unresponsive-after per PING) does not delay the rest. */
    private final ExecutorService probes = Executors.newFixedThreadPool(4, r -> daemon(r, "redis-probe"));
    private final ExecutorService watches = Executors.newCachedThreadPool(r -> daemon(r, "redis-watch"));
    private volatile Runnable stateListener = () -> { };

    public RedisHost(RedisHostSettings settings) {
        this.settings = settings;
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
        for (Path path : instanceDirs()) {
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
            } catch (RuntimeException e) {
                log.error("cannot load instance in {}: {}", path, e.toString());
            }
        }
        long interval = settings.superviseInterval().toMillis();
        supervisor.scheduleWithFixedDelay(this::superviseAll, interval, interval, TimeUnit.MILLISECONDS);
    }

    private List<Path> instanceDirs() {
        try (Stream<Path> list = Files.list(settings.instancesDir())) {
            return list.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ManagedInstance load(InstanceDirectory dir) {
        InstanceRecord record = dir.readRecord();
        RedisEndpoint endpoint = new RedisEndpoint(settings.connectHost(), record.port(), dir.readPassword(),
                settings.unresponsiveAfter());
        return new ManagedInstance(record, dir, endpoint);
    }

    private void adoptOrStart(ManagedInstance instance) {
        Optional<RedisProcess> running = RedisProcess.findRunning(instance.dir());
        if (running.isPresent() && isOurs(running.get(), instance)) {
            instance.adopt(running.get());
            log.info("adopted running redis-server of instance {} (pid {}, port {})", instance.id(),
                    running.get().pid(), instance.port());
        } else {
            instance.superviseProcess(settings.redisServer(), Instant.now());
        }
        refresh(instance);
    }

    /**
     * The pid file's process is our Redis if it answers our password on our port. A hung one that does
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
        refresh(instance);
    }

    /** Probes the instance now and folds the result into its state. */
    private InstanceReport refresh(ManagedInstance instance) {
        long generation = instance.tracking().generation();
        Probe probe = Probe.of(instance.endpoint());
        return instance.record(probe, generation, Instant.now());
    }

    // ---- guest operations -------------------------------------------------------------------------

    /** Creates and starts the instance, or, if it exists, makes sure it runs. Answers its report. */
    public InstanceReport prepare(UUID id, String password, long maxmemoryBytes) {
        if (password == null || password.isEmpty()) {
            throw new GuestOperationException("an instance needs a password");
        }
        ManagedInstance instance;
        synchronized (membership) {
            instance = instances.get(id);
            if (instance != null) {
                instance.wantRunning();
                instance.superviseProcess(settings.redisServer(), Instant.now());
            } else {
                int port = freePort();
                InstanceDirectory dir = new InstanceDirectory(settings.instancesDir().resolve(id.toString()));
                InstanceRecord record = new InstanceRecord(id, port, maxmemoryBytes, null);
                dir.create(record, settings.bindAddress(), password);
                instance = new ManagedInstance(record, dir, new RedisEndpoint(settings.connectHost(), port,
                        password, settings.unresponsiveAfter()));
                instances.put(id, instance);
                log.info("prepared instance {} on port {}", id, port);
                instance.superviseProcess(settings.redisServer(), Instant.now());
                watchUntilRunning(instance);
            }
        }
        return refresh(instance);
    }

    /**
     * Called when an instance's state changed between two supervision ticks (a new Redis started
     * answering), so the agent can report it at once rather than on its next heartbeat.
     */
    public void onStateChange(Runnable listener) {
        this.stateListener = listener;
    }

    /** Probes a starting instance every 10 ms until it answers, then tells the state listener. */
    private void watchUntilRunning(ManagedInstance instance) {
        watches.execute(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (refresh(instance).state() == org.redtrove.common.RedisState.RUNNING) {
                    stateListener.run();
                    return;
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
        synchronized (membership) {
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

    /** The last report of every instance, for heartbeats: no Redis round trip. */
    public List<InstanceReport> reports() {
        return instances.values().stream().map(ManagedInstance::lastReport)
                .sorted(Comparator.comparing(r -> r.instanceId().toString())).toList();
    }

    /**
     * Settings of a master replicas attach to. A diskless-sync delay lets several replicas that attach
     * together share one transfer; for a single replica it would only be a wait.
     */
    public InstanceReport configureSource(UUID id, boolean disklessSync, int attachingReplicas) {
        ManagedInstance instance = get(id);
        // With max-replicas set, the transfer starts as soon as every attaching replica has
        // connected; the delay is only the upper bound for a replica that never shows up.
        int delay = attachingReplicas > 1 ? 5 : 0;
        synchronized (instance.replicationLock) {
            InstanceDirectory dir = instance.dir();
            dir.writeReplication(dir.readReplication()
                    .withSource(new ReplicationSettings.Source(disklessSync, delay)));
            withRedis(instance, jedis -> {
                jedis.configSet("repl-diskless-sync", disklessSync ? "yes" : "no");
                jedis.configSet("repl-diskless-sync-delay", Integer.toString(delay));
                jedis.configSet("repl-diskless-sync-max-replicas",
                        Integer.toString(attachingReplicas > 1 ? attachingReplicas : 0));
            });
        }
        return refresh(instance);
    }

    /**
     * Makes the instance a read-only replica of the given master: persisted first (so a Redis restart
     * between the two steps still comes back as a replica), then applied live, without a restart.
     */
    public InstanceReport attachToMaster(UUID id, String masterHost, int masterPort, String masterPassword) {
        ManagedInstance instance = get(id);
        String master = masterHost + ":" + masterPort;
        synchronized (instance.replicationLock) {
            InstanceDirectory dir = instance.dir();
            dir.writeReplication(dir.readReplication()
                    .withUpstream(new ReplicationSettings.Upstream(masterHost, masterPort, masterPassword)));
            // A repeated attach to the same master keeps what we know; a new master starts from scratch.
            // Reset before REPLICAOF, so no INFO read from before the switch can count as the new sync.
            if (!master.equals(instance.tracking().expectedMaster())) {
                instance.tracking().reset(master);
            }
            withRedis(instance, jedis -> {
                jedis.configSet("masterauth", masterPassword);
                jedis.configSet("replica-read-only", "yes");
                jedis.replicaof(masterHost, masterPort);
            });
        }
        log.info("instance {} now replicates from {}", id, master);
        return refresh(instance);
    }

    /** Makes the instance a standalone writable master. It keeps its data. */
    public InstanceReport detach(UUID id) {
        ManagedInstance instance = get(id);
        synchronized (instance.replicationLock) {
            // Live first, file second: the reverse of attach, so that a failure between the two
            // leaves a file that still says replica. A restart then brings back a replica, never
            // a second master.
            withRedis(instance, Jedis::replicaofNoOne);
            InstanceDirectory dir = instance.dir();
            dir.writeReplication(dir.readReplication().withUpstream(null));
            instance.tracking().reset(null);
        }
        log.info("instance {} detached: now a master", id);
        return refresh(instance);
    }

    /** CLIENT PAUSE WRITE; the offset read after the pause is final until unpause or timeout. */
    public OffsetReached pauseWrites(UUID id, long timeoutMillis) {
        ManagedInstance instance = get(id);
        long offset = withRedis(instance, jedis -> {
            jedis.clientPause(timeoutMillis, ClientPauseMode.WRITE);
            return InfoReplication.masterReplOffset(jedis.info("replication"));
        });
        return new OffsetReached(refresh(instance), offset);
    }

    public InstanceReport unpause(UUID id) {
        ManagedInstance instance = get(id);
        withRedis(instance, Jedis::clientUnpause);
        return refresh(instance);
    }

    /** Polls the replica's processed offset every 2 ms until it reaches {@code offset}. */
    public OffsetReached waitForOffset(UUID id, long offset, long timeoutMillis) {
        ManagedInstance instance = get(id);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long reached = withRedis(instance, jedis -> {
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

    private <T> T withRedis(ManagedInstance instance, Function<Jedis, T> action) {
        try (Jedis jedis = instance.endpoint().open()) {
            return action.apply(jedis);
        } catch (JedisException e) {
            throw new GuestOperationException("instance " + instance.id() + " (" + instance.endpoint()
                    + "): " + e.getMessage(), e);
        }
    }

    private void withRedis(ManagedInstance instance, Consumer<Jedis> action) {
        withRedis(instance, (Function<Jedis, Void>) jedis -> {
            action.accept(jedis);
            return null;
        });
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
        watches.shutdownNow();
        probes.shutdownNow();
        try {
            supervisor.awaitTermination(5, TimeUnit.SECONDS);
            probes.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
