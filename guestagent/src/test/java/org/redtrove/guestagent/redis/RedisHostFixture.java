package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Builds agents ({@link RedisHost}s) over a temp data dir, with real redis-server processes on ports
 * 27000-27999 (never 6379: the machine's own Redis lives there), and makes sure none survives a test.
 */
final class RedisHostFixture implements AutoCloseable {

    /** The tenant's password: redis.conf must quote it right. */
    static final String PASSWORD = "s3cret-\"quoted\" pw";
    static final String REPLICATION_PASSWORD = "repl \\ \"pw\" 2";
    static final long MAXMEMORY = 64L * 1024 * 1024;
    static final Duration STARTUP = Duration.ofSeconds(15);

    final Path dataDir;
    /** The replica set every test instance belongs to. */
    final UUID setId = UUID.randomUUID();
    private final List<RedisHost> hosts = new ArrayList<>();

    static final Duration SELF_FENCE_AFTER = Duration.ofMillis(600);

    RedisHostFixture(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** A new agent over the same data dir, as after an agent restart. */
    RedisHost startAgent(boolean stopRedisOnShutdown) {
        RedisHost host = new RedisHost(new RedisHostSettings(dataDir, "127.0.0.1", new PortRange(27000, 27999),
                RedisBinary.locate("", dataDir), Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofMillis(250), SELF_FENCE_AFTER, stopRedisOnShutdown));
        host.start();
        hosts.add(host);
        return host;
    }

    Membership epoch(long epoch) {
        return new Membership(setId, epoch);
    }

    /** Prepare as the taskmanager sends it for a new member of the set, at epoch 1. */
    GuestRequest.Prepare prepareRequest(UUID id) {
        return new GuestRequest.Prepare(id, PASSWORD, MAXMEMORY, epoch(1), REPLICATION_PASSWORD);
    }

    InstanceReport prepareRunning(RedisHost agent, UUID id) {
        agent.prepare(prepareRequest(id));
        await(STARTUP, id + " is RUNNING", () -> agent.describe(id).state() == RedisState.RUNNING);
        return agent.describe(id);
    }

    GuestRequest.Follow followRequest(UUID replicaId, int masterPort, long epoch) {
        return new GuestRequest.Follow(replicaId, epoch(epoch), "127.0.0.1", masterPort, REPLICATION_PASSWORD,
                false, false);
    }

    static void awaitSynced(RedisHost agent, UUID replicaId) {
        await(STARTUP, replicaId + " synced", () -> {
            ReplicationInfo r = agent.describe(replicaId).replication();
            return r != null && r.masterLinkUp() && r.syncCompleted();
        });
    }

    Path instanceDir(UUID id) {
        return dataDir.resolve("instances").resolve(id.toString());
    }

    /** Logged in as the agent, with the password only the instance's redis.conf holds. */
    Jedis connectAsAgent(UUID id, int port) {
        RedisUsers users = new InstanceDirectory(instanceDir(id)).readUsers();
        var config = DefaultJedisClientConfig.builder().timeoutMillis(5000).password(users.agentLoginPassword());
        if (users.agentLoginUser() != null) {
            config.user(users.agentLoginUser());
        }
        return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
    }

    /** kill -STOP / -CONT: a hung Redis, alive and silent, and its recovery. */
    static void signal(long pid, String signal) {
        try {
            int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
            if (rc != 0) {
                fail("kill -" + signal + " " + pid + " exited " + rc);
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The tenant: Redis's default user, with the password alone. */
    static Jedis connect(int port, String password) {
        var config = DefaultJedisClientConfig.builder().timeoutMillis(5000);
        if (password != null) {
            config.password(password);
        }
        return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not yet: Redis still starting, for example
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        fail("timed out after " + timeout + " waiting until " + what);
    }

    /** Every redis-server process whose title shows this port. */
    static long processesOnPort(int port) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(p -> RedisProcess.commandLine(Long.parseLong(p.getFileName().toString())))
                    .filter(cmd -> cmd.contains("redis-server") && cmd.contains(":" + port + " "))
                    .count();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** redis.log outlives the temp dir, under target/redis-logs, for reading after a failure. */
    private static void keepLog(Path instanceDir) throws IOException {
        Path log = instanceDir.resolve(InstanceDirectory.LOG_FILE);
        if (Files.exists(log)) {
            Path kept = Path.of("target", "redis-logs", instanceDir.getFileName() + ".log");
            Files.createDirectories(kept.getParent());
            Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Closes every agent and kills any redis-server still named by a pid file under the data dir. */
    @Override
    public void close() {
        hosts.forEach(RedisHost::close);
        Path instances = dataDir.resolve("instances");
        if (!Files.isDirectory(instances)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(instances)) {
            for (Path path : dirs.toList()) {
                RedisProcess.findRunning(new InstanceDirectory(path)).ifPresent(p -> p.stop(Duration.ofSeconds(5)));
                keepLog(path);
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
