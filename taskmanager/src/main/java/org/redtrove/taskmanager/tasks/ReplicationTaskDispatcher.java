package org.redtrove.taskmanager.tasks;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.ReplicationTaskReport;
import org.redtrove.common.ReplicationTaskReport.Position;
import org.redtrove.common.ReplicationTaskSpec;
import org.redtrove.common.TaskStatus;
import org.redtrove.common.Wire;
import org.redtrove.common.secrets.SecretBox;
import org.redtrove.taskmanager.TaskManagerSecrets;
import org.redtrove.taskmanager.guest.GuestCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;

/**
 * Decides where each replication task runs and tells the guest agents, every second.
 *
 * <p>A task reads its source's set from a healthy replica when the set has one, and from the
 * master only otherwise: a PSYNC reader attached to the master would count toward its
 * {@code min-replicas-to-write}, and a master cut off from its real replicas would then keep
 * taking writes. A replica's stream is the master's, byte for byte and offset for offset, so the
 * task loses nothing by reading there. A task stays on the member it runs on while that member
 * stays fit; when the member is promoted, fails or goes, the task moves, and its new reader starts
 * from the position the target records (see the guest's TargetWriter).
 *
 * <p>Each agent gets the whole list of tasks for each of its instances, so a request lost or
 * repeated does no harm; the list is sent again when it changes, when one of its tasks has not
 * reported from there for three seconds (a restarted agent), and every ten seconds.
 */
@Component
public class ReplicationTaskDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReplicationTaskDispatcher.class);
    static final String DST_PASSWORD = "replication_tasks.dst_password";
    private static final Duration RESEND = Duration.ofSeconds(10);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    /** A task that has not reported from where it should run for this long is sent again. */
    private static final Duration SILENT = Duration.ofSeconds(3);

    private final JdbcClient jdbc;
    private final SecretBox secrets;
    private final GuestCalls guests;
    /** What each instance was last sent (the tasks' settings), and when. */
    private final Map<UUID, Sent> sent = new ConcurrentHashMap<>();
    /**
     * Instances whose list must be sent again: one reported a task that no longer exists, or the
     * last call to its agent failed or timed out, so the agent may have applied that list or not
     * (a timed-out list that moved a task there, and the task is deleted meanwhile: without this,
     * nothing would tell that agent to stop it).
     */
    private final Set<UUID> resend = ConcurrentHashMap.newKeySet();
    private final Duration interval;
    private ScheduledExecutorService executor;

    private record Sent(List<ReplicationTaskSpec> tasks, long atNanos) {
    }

    /** A member a task could read: where it lives, and what it is now. */
    record Member(UUID id, UUID setId, String hostId, boolean master, String health, String task,
                          boolean placed, ReplicationInfo replication) {

        /** Its latest report says a reader there can continue after {@code applied} (null: anything goes). */
        boolean canContinue(Position applied) {
            return applied == null || (replication != null && replication.canContinue(applied.replId(),
                    applied.offset()));
        }

        /**
         * Its latest report says it still holds the history at {@code applied}, reached or not: a
         * reader there can go on (its report may be older than the position).
         */
        boolean holds(Position applied) {
            return applied == null || (replication != null && replication.holdsHistory(applied.replId(),
                    applied.offset()));
        }
    }

    public ReplicationTaskDispatcher(JdbcClient jdbc, SecretBox secrets, GuestCalls guests,
                                     @Value("${redtrove.replication-tasks.dispatch-interval:1s}") Duration interval) {
        this.jdbc = jdbc;
        this.interval = interval;
        this.secrets = secrets;
        this.guests = guests;
    }

    /** A guest reported a task that does not exist (deleted): its instance gets its list again. */
    public void orphan(UUID instanceId) {
        if (instanceId != null) {
            resend.add(instanceId);
        }
    }

    /**
     * On a thread of its own: guest calls can take seconds, and the one scheduler thread that the
     * set supervisor's 100 ms checks run on must never wait for them.
     */
    @Override
    public synchronized void start() {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "replication-task-dispatch");
                t.setDaemon(true);
                return t;
            });
            executor.scheduleWithFixedDelay(this::dispatch, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    void dispatch() {
        try {
            Set<UUID> silent = new HashSet<>();
            Map<UUID, List<ReplicationTaskSpec>> desired = desired(silent);
            Set<UUID> instances = new HashSet<>(desired.keySet());
            instances.addAll(sent.keySet());
            instances.addAll(resend);
            Map<UUID, String> hosts = hostsOf(instances);
            for (UUID instance : instances) {
                List<ReplicationTaskSpec> tasks = desired.getOrDefault(instance, List.of());
                Sent last = sent.get(instance);
                boolean due = last == null || !sameSettings(last.tasks(), tasks) || resend.contains(instance)
                        || System.nanoTime() - last.atNanos() > RESEND.toNanos()
                        || (silent.contains(instance) && System.nanoTime() - last.atNanos() > SILENT.toNanos());
                String host = hosts.get(instance);
                if (!due || host == null) {
                    continue;
                }
                GuestReply reply;
                try {
                    reply = guests.callOnce(host, new GuestRequest.RunReplicationTasks(instance, tasks), CALL_TIMEOUT);
                } catch (RuntimeException e) {
                    log.debug("Replication tasks of {} not sent: {}", instance, e.getMessage());
                    resend.add(instance);
                    continue;
                }
                if (reply.error() != null) {
                    log.warn("Replication tasks of {} refused by its guest: {}", instance, reply.error());
                    resend.add(instance);
                    continue;
                }
                resend.remove(instance);
                if (tasks.isEmpty()) {
                    sent.remove(instance);
                } else {
                    sent.put(instance, new Sent(tasks, System.nanoTime()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Replication tasks not dispatched this round: {}", e.getMessage());
        }
    }

    private static boolean sameSettings(List<ReplicationTaskSpec> a, List<ReplicationTaskSpec> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).sameSettings(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Per instance to read from, the tasks it should run.
     *
     * @param silent filled with the instances one of whose tasks has not reported from there for
     *               {@link #SILENT}: its agent restarted, or never got the list
     */
    Map<UUID, List<ReplicationTaskSpec>> desired(Set<UUID> silent) {
        Map<UUID, List<Member>> sets = new HashMap<>();
        jdbc.sql("""
                        select i.id, i.replica_set_id, i.host_id, s.master_id = i.id as is_master, i.health,
                               i.task_status, i.port is not null and i.host_id is not null as placed,
                               hb.report::text as report
                          from instances i join replica_sets s on s.id = i.replica_set_id
                          left join heartbeats hb on hb.instance_id = i.id and hb.host_id = i.host_id
                         where not i.deleted
                           and i.replica_set_id in (select src.replica_set_id from replication_tasks t
                                                      join instances src on src.id = t.src_instance_id)
                         order by i.created_at, i.id""")
                .query((ResultSet rs) -> {
                    String report = rs.getString("report");
                    ReplicationInfo replication = report == null ? null
                            : Wire.fromJson(report, InstanceReport.class).replication();
                    Member m = new Member(rs.getObject("id", UUID.class), rs.getObject("replica_set_id", UUID.class),
                            rs.getString("host_id"), rs.getBoolean("is_master"), rs.getString("health"),
                            rs.getString("task_status"), rs.getBoolean("placed"), replication);
                    sets.computeIfAbsent(m.setId(), k -> new ArrayList<>()).add(m);
                });
        Map<UUID, List<ReplicationTaskSpec>> desired = new LinkedHashMap<>();
        jdbc.sql("""
                        select t.id, t.name, t.dst_host, t.dst_password, t.entries::text as entries,
                               t.include::text as include, t.exclude::text as exclude, t.each_n, t.each_s, t.mode,
                               t.runtime::text as runtime, src.replica_set_id as src_set,
                               coalesce(extract(epoch from now() - t.runtime_at), 1e9) as runtime_age,
                               dst.password as dst_instance_password, dh.address as dst_address, dm.port as dst_port
                          from replication_tasks t
                          join instances src on src.id = t.src_instance_id and not src.deleted
                          left join instances dst on dst.id = t.dst_instance_id and not dst.deleted
                          left join replica_sets ds on ds.id = dst.replica_set_id
                          left join instances dm on dm.id = ds.master_id
                          left join hosts dh on dh.id = dm.host_id
                         order by t.created_at, t.id""")
                .query((ResultSet rs) -> {
                    ReplicationTaskReport runtime = rs.getString("runtime") == null ? null
                            : Wire.fromJson(rs.getString("runtime"), ReplicationTaskReport.class);
                    Member reader = reader(sets.getOrDefault(rs.getObject("src_set", UUID.class), List.of()), runtime);
                    ReplicationTaskSpec spec = spec(rs, runtime);
                    if (reader != null && spec != null) {
                        desired.computeIfAbsent(reader.id(), k -> new ArrayList<>()).add(spec);
                        boolean reportsFromThere = runtime != null && reader.id().equals(runtime.instanceId())
                                && rs.getDouble("runtime_age") * 1000 < SILENT.toMillis();
                        if (!reportsFromThere) {
                            silent.add(reader.id());
                        }
                    }
                });
        return desired;
    }

    /**
     * The member to read from: the one it runs on if that is still a healthy replica holding the
     * stream's history where the task stopped, else a healthy replica that can continue from there,
     * else the master if it can, else the one it runs on or any healthy replica (the reader then
     * reports what it missed); none while the set is changing (a job runs on it). A member that
     * went through a full resync holds the stream only from there (a failed master that rejoined,
     * say), so it is not chosen, nor kept, while another can continue.
     */
    static Member reader(List<Member> members, ReplicationTaskReport runtime) {
        if (members.stream().anyMatch(m -> TaskStatus.valueOf(m.task()) != TaskStatus.NONE
                && !TaskStatus.valueOf(m.task()).isError())) {
            Member current = runtime == null ? null : members.stream()
                    .filter(m -> m.id().equals(runtime.instanceId())).findFirst().orElse(null);
            return current; // keep it where it is until the job is done
        }
        List<Member> healthyReplicas = members.stream()
                .filter(m -> !m.master() && m.placed() && m.health().equals("HEALTHY")).toList();
        Position applied = runtime == null ? null : runtime.applied();
        Member current = runtime == null ? null : healthyReplicas.stream()
                .filter(m -> m.id().equals(runtime.instanceId())).findFirst().orElse(null);
        if (current != null && current.holds(applied)) {
            return current;
        }
        Optional<Member> replica = healthyReplicas.stream().filter(m -> m.canContinue(applied)).findFirst();
        if (replica.isPresent()) {
            return replica.get();
        }
        Optional<Member> master = members.stream().filter(m -> m.master() && m.placed()).findFirst();
        if (master.isPresent() && (master.get().canContinue(applied) || healthyReplicas.isEmpty())) {
            return master.get();
        }
        if (current != null) {
            return current; // no member holds the position: stay, and the reader reports what it missed
        }
        return healthyReplicas.isEmpty() ? null : healthyReplicas.get(0); // none: a set still being built
    }

    private ReplicationTaskSpec spec(ResultSet rs, ReplicationTaskReport runtime) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        String name = rs.getString("name");
        String host;
        int port;
        Integer db = null;
        boolean tls = false;
        String password;
        String dstHost = rs.getString("dst_host");
        if (dstHost != null) {
            URI uri = URI.create(dstHost);
            host = uri.getHost();
            port = uri.getPort();
            tls = "rediss".equalsIgnoreCase(uri.getScheme());
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                db = Integer.parseInt(path.substring(1));
            }
            String sealed = rs.getString("dst_password");
            password = sealed == null ? null : secrets.open(DST_PASSWORD, sealed);
        } else {
            host = rs.getString("dst_address");
            if (host == null) {
                return null; // its target is being built or moved: nowhere to send yet
            }
            port = rs.getInt("dst_port");
            password = secrets.open(TaskManagerSecrets.INSTANCE_PASSWORD, rs.getString("dst_instance_password"));
        }
        return new ReplicationTaskSpec(id, name, host, port, db, tls, password,
                Wire.mapper().readValue(rs.getString("entries"), new TypeReference<List<String>>() { }),
                Wire.mapper().readValue(rs.getString("include"), new TypeReference<Map<String, String>>() { }),
                Wire.mapper().readValue(rs.getString("exclude"), new TypeReference<Map<String, String>>() { }),
                (Integer) rs.getObject("each_n"), (Double) rs.getObject("each_s"), rs.getString("mode"),
                runtime == null ? null : runtime.applied(), runtime == null || runtime.applied() == null);
    }

    private Map<UUID, String> hostsOf(Set<UUID> instances) {
        Map<UUID, String> hosts = new HashMap<>();
        if (instances.isEmpty()) {
            return hosts;
        }
        jdbc.sql("select id, host_id from instances where id in (:ids) and host_id is not null")
                .param("ids", instances)
                .query((ResultSet rs) -> {
                    hosts.put(rs.getObject("id", UUID.class), rs.getString("host_id"));
                });
        return hosts;
    }
}
