package org.redtrove.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.redtrove.deploy.ProcessStack;
import org.redtrove.deploy.RedisProcesses;
import org.redtrove.deploy.SetProbe;
import org.redtrove.deploy.TroveHttp;
import tools.jackson.databind.JsonNode;

/**
 * One RedTrove set (a master and two replicas, one per host) on a stack of separate processes with
 * three guest agents standing for three hosts, as the end-to-end tests run it. The same set takes
 * every fault in turn: each run faults whichever member is master then.
 */
final class RedTroveSet implements FailoverTarget, AutoCloseable {

    static final List<String> HOSTS = List.of("host-a", "host-b", "host-c");
    private static final Duration BUILD = Duration.ofSeconds(120);

    private final ProcessStack stack;
    private final TroveHttp trove;
    private final SetProbe probe;
    private final List<String> members = new ArrayList<>();
    private final List<FollowingWriter.Endpoint> endpoints = new ArrayList<>();
    private String setName;

    private RedTroveSet(ProcessStack stack) throws Exception {
        this.stack = stack;
        this.trove = stack.login();
        this.probe = new SetProbe(trove);
    }

    /** Starts the stack with these taskmanager properties and creates the set. */
    static RedTroveSet start(Path work, String... taskmanagerProperties) throws Exception {
        ProcessStack stack = ProcessStack.start(work, HOSTS, taskmanagerProperties);
        try {
            RedTroveSet set = new RedTroveSet(stack);
            set.create();
            return set;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void create() throws Exception {
        var reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"bench-failover\",\"flavorRef\":\"1\"}}");
        if (reply.status() != 200) {
            throw new IllegalStateException("create failed: " + reply.body());
        }
        String master = reply.json().get("instance").get("id").asString();
        trove.awaitStatus(master, BUILD, "ACTIVE");
        reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"bench-failover-r\",\"replica_of\":\""
                + master + "\",\"replica_count\":2}}");
        if (reply.status() != 200) {
            throw new IllegalStateException("replicas refused: " + reply.body());
        }
        members.add(master);
        probe.view(master).get("replicas").forEach(r -> members.add(r.get("id").asString()));
        for (String id : members) {
            trove.awaitStatus(id, BUILD, "ACTIVE");
            endpoints.add(new FollowingWriter.Endpoint(probe.port(id), probe.password(id)));
        }
        setName = probe.view(master).get("replica_set").get("name").asString();
        awaitSettled(null);
    }

    /** The hosts the members are on, in member order: three different ones, or the runs mean less. */
    List<String> placement() {
        return endpoints.stream().map(e -> stack.hostOfPort(e.port())).toList();
    }

    private String masterId() {
        for (String id : members) {
            if (!probe.view(id).has("replica_of")) {
                return id;
            }
        }
        throw new IllegalStateException("no member of " + members + " is recorded as master");
    }

    @Override
    public Master master() throws Exception {
        int port = probe.port(masterId());
        FollowingWriter.Endpoint endpoint = endpoints.stream().filter(e -> e.port() == port).findFirst().orElseThrow();
        List<Long> pids = RedisProcesses.serving(port);
        return new Master(endpoint, pids.isEmpty() ? -1 : pids.get(0));
    }

    @Override
    public long epoch() {
        return probe.view(members.get(0)).get("replica_set").get("epoch").asLong();
    }

    @Override
    public List<FollowingWriter.Endpoint> candidates(int failedPort) {
        return endpoints;
    }

    @Override
    public void loseHost(Master master) throws Exception {
        String host = stack.hostOfPort(master.endpoint().port());
        stack.guest(host).kill();
        FaultRunner.signal("KILL", master.pid());
    }

    @Override
    public void bringBack(FaultKind fault, Master oldMaster) throws Exception {
        if (fault == FaultKind.HOST_LOST) {
            String host = stack.hostOfPort(oldMaster.endpoint().port());
            stack.restartGuest(host, stack.portRange(host));
        }
    }

    @Override
    public boolean oldMasterReturns(FaultKind fault) {
        return true; // its agent restarts a killed redis-server; a lost host's agent comes back
    }

    /** The set is HEALTHY and the API's topology matches every member's real role. */
    @Override
    public void awaitSettled(Master oldMaster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String situation = null;
        while (System.nanoTime() < deadline) {
            JsonNode set = trove.trove("GET", "/replica-sets/" + setName, null).json().get("replica_set");
            situation = set.get("situation").asString();
            if ("HEALTHY".equals(situation)) {
                probe.assertApiMatchesRedis(members, null, null, Duration.ofSeconds(60));
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(setName + " did not heal, it is " + situation + "; jobs: "
                + trove.trove("GET", "/instances/" + members.get(0) + "/jobs", null).body());
    }

    /** Failover jobs recorded on the members, for the JSON: the reason each failover gave. */
    List<String> ejectReasons() throws Exception {
        List<String> reasons = new ArrayList<>();
        for (String id : members) {
            for (JsonNode job : probe.jobs(id, "EJECT")) {
                JsonNode reason = job.get("progress").get("reason");
                reasons.add(job.get("created").asString("") + " " + id.substring(0, 8) + " "
                        + (reason == null ? job.get("state").asString() : reason.asString()));
            }
        }
        return reasons;
    }

    String outputs() {
        return stack.outputs();
    }

    @Override
    public void close() throws Exception {
        stack.close();
    }
}
