package org.redtrove.guestagent.tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.ReplicationTaskSpec;
import org.redtrove.guestagent.GuestAgentProperties;
import org.redtrove.guestagent.redis.GuestOperationException;
import org.redtrove.guestagent.redis.RedisHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The replication tasks this host runs, per instance they read: exactly the list the taskmanager
 * last sent for that instance. A task dropped from the list stops, and its log here goes: whatever
 * it held and the target had not applied is read again from the source by whichever host runs the
 * task next, starting from the position the target records.
 */
@Component
public class ReplicationTasks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationTasks.class);

    private final RedisHost redis;
    private final Path dir;
    private final long logSize;
    private final java.time.Duration sourceWait;
    private final Map<UUID, TaskRunner> runners = new ConcurrentHashMap<>();
    private final Map<UUID, TaskStats> stats = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher;

    public ReplicationTasks(RedisHost redis, GuestAgentProperties properties,
                            @Value("${redtrove.replication-tasks.log-size:100000}") long logSize,
                            @Value("${redtrove.replication-tasks.source-wait:15s}") java.time.Duration sourceWait) {
        this.sourceWait = sourceWait;
        this.redis = redis;
        this.dir = properties.dataDir().resolve("replication-tasks");
        this.logSize = logSize;
        // Bytes behind needs the source's offset: read here, every second, never on the heartbeat's thread.
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "task-offsets");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(() -> runners.values().forEach(TaskRunner::refreshSourceEnd),
                1, 1, TimeUnit.SECONDS);
    }

    /** Runs exactly these tasks on the instance. */
    public synchronized void run(UUID instanceId, List<ReplicationTaskSpec> tasks) {
        Set<UUID> wanted = tasks.stream().map(ReplicationTaskSpec::taskId).collect(Collectors.toSet());
        for (Map.Entry<UUID, TaskRunner> entry : new ArrayList<>(runners.entrySet())) {
            TaskRunner runner = entry.getValue();
            if (runner.instanceId().equals(instanceId) && !wanted.contains(entry.getKey())) {
                stop(entry.getKey(), true);
            }
        }
        for (ReplicationTaskSpec spec : tasks) {
            TaskRunner running = runners.get(spec.taskId());
            if (running != null && running.instanceId().equals(instanceId) && running.spec().sameSettings(spec)) {
                continue;
            }
            boolean moved = running != null && !running.instanceId().equals(instanceId);
            if (running != null) {
                stop(spec.taskId(), moved);
            }
            RedisHost.LocalLogin login = redis.login(instanceId).orElseThrow(() ->
                    new GuestOperationException("no instance " + instanceId + " on this host"));
            TaskStats taskStats = stats.computeIfAbsent(spec.taskId(), id -> new TaskStats());
            TaskRunner runner = new TaskRunner(spec, instanceId, login,
                    new TaskLog(dir.resolve(spec.taskId().toString()), logSize), taskStats, sourceWait);
            runners.put(spec.taskId(), runner);
            runner.start();
            log.info("Replication task {} runs on instance {} ({})", spec.name(), instanceId, spec.mode());
        }
    }

    private void stop(UUID taskId, boolean removeLog) {
        TaskRunner runner = runners.remove(taskId);
        if (runner != null) {
            runner.close();
            log.info("Replication task {} stopped on instance {}", runner.spec().name(), runner.instanceId());
        }
        if (removeLog) {
            stats.remove(taskId);
            deleteTree(dir.resolve(taskId.toString()));
        }
    }

    /** For the heartbeat: every task running here. */
    public List<ReplicationTaskReport> reports() {
        List<ReplicationTaskReport> reports = new ArrayList<>();
        for (TaskRunner runner : runners.values()) {
            reports.add(runner.report());
        }
        return reports;
    }

    @Override
    public synchronized void close() {
        refresher.shutdownNow();
        for (UUID id : new ArrayList<>(runners.keySet())) {
            stop(id, false);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", root, e.getMessage());
        }
    }
}
