package org.redtrove.benchmarks.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.redtrove.common.JobKind;
import org.redtrove.deploy.AgentAccess;
import org.redtrove.deploy.ProcessStack;
import org.redtrove.deploy.RedisProcesses;
import org.redtrove.deploy.SetProbe;
import org.redtrove.deploy.TenantSets;
import org.redtrove.deploy.TroveHttp;
import redis.clients.jedis.Jedis;

/**
 * Sets up and starts one job of each kind the way it starts in production: a tenant's request
 * (create, attach, detach, promote, delete) or a failure the taskmanager reacts to on its own (a
 * hung master for eject, a replica promoted behind RedTrove's back for reconcile). Known keys are
 * written to the master first, so that the check afterwards can look for them on every member.
 */
final class ChaosJobs {

    static final String KEY = "chaos";

    /** The instances of one trial, and what the set should look like once the job is done. */
    static final class Subject {
        final JobKind kind;
        final String name;
        String master;
        final List<String> replicas = new ArrayList<>();
        /** The instance whose guest agent a GUESTAGENT trial kills. */
        String victim;
        /** A Redis stopped with SIGSTOP to start an eject, to continue once the job runs. */
        long pausedPid = -1;

        Subject(JobKind kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        List<String> members() {
            List<String> all = new ArrayList<>();
            if (master != null) {
                all.add(master);
            }
            all.addAll(replicas);
            return all;
        }

        /** The sets the members should form afterwards, each checked against Redis. */
        List<List<String>> expectedSets() {
            return switch (kind) {
                case DETACH -> List.of(List.of(master, replicas.get(1)), List.of(replicas.get(0)));
                case DELETE -> List.of(List.of(master));
                default -> List.of(members());
            };
        }

        /** Whether the known key was written before the job (a create has nothing to write to). */
        boolean seeded() {
            return kind != JobKind.CREATE;
        }
    }

    private final ProcessStack stack;
    private final Duration timeout;
    private TroveHttp trove;

    ChaosJobs(ProcessStack stack, TroveHttp trove, Duration timeout) {
        this.stack = stack;
        this.trove = trove;
        this.timeout = timeout;
    }

    void loggedIn(TroveHttp again) {
        trove = again;
    }

    /** The set a job of this kind needs, ACTIVE, with the known key on its master. */
    Subject prepare(JobKind kind, String name) throws Exception {
        Subject s = new Subject(kind, name);
        TenantSets tenant = new TenantSets(trove, timeout);
        if (kind == JobKind.CREATE) {
            return s;
        }
        s.master = tenant.createActive(name);
        try (Jedis redis = new SetProbe(trove).tenant(s.master)) {
            redis.set(KEY, name);
        }
        int replicas = switch (kind) {
            case ATTACH_REPLICAS -> 0;
            case DELETE -> 1;
            default -> 2;
        };
        if (replicas > 0) {
            s.replicas.addAll(tenant.createReplicas(s.master, name + "-r", replicas));
        }
        s.victim = s.replicas.isEmpty() ? s.master : s.replicas.get(0);
        return s;
    }

    /** Starts the job; the failpoint is in place already. */
    void launch(Subject s) throws Exception {
        switch (s.kind) {
            case CREATE -> {
                var reply = trove.trove("POST", "/instances",
                        "{\"instance\":{\"name\":\"" + s.name + "\",\"flavorRef\":\"1\"}}");
                expect(reply, 200);
                s.master = reply.json().get("instance").get("id").asString();
                s.victim = s.master;
            }
            case ATTACH_REPLICAS -> {
                s.replicas.addAll(new TenantSets(trove, timeout).requestReplicas(s.master, s.name + "-r", 2));
                s.victim = s.replicas.get(0);
            }
            case DETACH -> expect(trove.trove("PATCH", "/instances/" + s.replicas.get(0),
                    "{\"instance\":{\"replica_of\":null}}"), 202);
            case PROMOTE -> expect(trove.trove("POST", "/instances/" + s.replicas.get(0) + "/action",
                    "{\"promote_to_replica_source\":{}}"), 202);
            case DELETE -> {
                expect(trove.trove("DELETE", "/instances/" + s.replicas.get(0), null), 202);
                s.replicas.remove(0);
                s.victim = s.master;
            }
            case EJECT -> {
                // The master hangs: the set supervisor fails it over on its own.
                s.pausedPid = RedisProcesses.serving(new SetProbe(trove).port(s.master)).get(0);
                RedisProcesses.signal("STOP", s.pausedPid);
            }
            case RECONCILE -> {
                // A replica made a master behind RedTrove's back, before any write: it follows again.
                String replica = s.replicas.get(0);
                String host = stack.hostOfPort(new SetProbe(trove).port(replica));
                try (Jedis agent = AgentAccess.connect(AgentAccess.instanceDir(stack.guestDataDir(host), replica),
                        new SetProbe(trove).port(replica))) {
                    agent.replicaofNoOne();
                }
            }
        }
    }

    /** Lets a hung master run again, once its failover has begun. */
    static void resume(Subject s) throws Exception {
        if (s.pausedPid > 0) {
            RedisProcesses.signal("CONT", s.pausedPid);
            s.pausedPid = -1;
        }
    }

    private static void expect(TroveHttp.Reply reply, int status) {
        if (reply.status() != status) {
            throw new IllegalStateException("the API answered " + reply.status() + ": " + reply.body());
        }
    }
}
