package org.redtrove.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.redtrove.deploy.ProcessStack;
import org.redtrove.deploy.RedisProcesses;
import org.redtrove.deploy.SetProbe;
import org.redtrove.deploy.TroveHttp;
import redis.clients.jedis.HostAndPort;
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
    private SentinelClientWriter.Discovery discovery;
    /** The replica the last switchover request promotes. */
    private String promoting;
    private int switchovers;

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
        members.add(master);
        // One replica at a time: replicas attached together are placed in parallel, each avoiding
        // only the master's host and counting the others' instances before either is placed, so
        // both can land on one host, and a lost host then takes two members.
        for (int i = 1; i <= 2; i++) {
            reply = trove.trove("POST", "/instances", "{\"instance\":{\"name\":\"bench-failover-r" + i
                    + "\",\"replica_of\":\"" + master + "\"}}");
            if (reply.status() != 200) {
                throw new IllegalStateException("replica refused: " + reply.body());
            }
            String replica = reply.json().get("instance").get("id").asString();
            trove.awaitStatus(replica, BUILD, "ACTIVE");
            members.add(replica);
        }
        for (String id : members) {
            endpoints.add(new FollowingWriter.Endpoint(probe.port(id), probe.password(id)));
        }
        if (placement().stream().distinct().count() != HOSTS.size()) {
            throw new IllegalStateException("the set's members are on hosts " + placement()
                    + ", not one each: a lost host would take more than the master");
        }
        JsonNode replicaSet = probe.view(master).get("replica_set");
        setName = replicaSet.get("name").asString();
        discovery = new SentinelClientWriter.Discovery(setName, Set.of(sentinelEndpoint(replicaSet)),
                endpoints.get(0).password());
        awaitSettled(null);
    }

    /**
     * Where the api's Sentinel-compatible endpoint listens, as the detail view tells a tenant. The
     * stack starts its api with redtrove.sentinel.port=0, a free port; the view must name the one
     * this api process says it listens on, or the clients would follow someone else's endpoint.
     */
    private HostAndPort sentinelEndpoint(JsonNode replicaSet) throws InterruptedException {
        JsonNode sentinel = replicaSet.get("sentinel");
        if (sentinel == null) {
            throw new IllegalStateException("the detail view shows no Sentinel endpoint: " + replicaSet);
        }
        HostAndPort shown = new HostAndPort(sentinel.get("host").asString(), sentinel.get("port").asInt());
        String line = stack.api().awaitLine("Sentinel endpoint listening on", Duration.ofSeconds(30));
        if (!line.endsWith(":" + shown.getPort())) {
            throw new IllegalStateException("the detail view names " + shown + ", the api says: " + line);
        }
        return shown;
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
    public List<FollowingWriter.Endpoint> members() {
        return endpoints;
    }

    @Override
    public SentinelClientWriter.Discovery discovery() {
        return discovery;
    }

    /** Promotes each replica in turn, as an operator would through the API. */
    @Override
    public long requestSwitchover(Master master) throws Exception {
        List<String> replicas = members.stream().filter(id -> probe.port(id) != master.endpoint().port()).toList();
        promoting = replicas.get(switchovers++ % replicas.size());
        long sent = System.nanoTime();
        var reply = trove.trove("POST", "/instances/" + promoting + "/action", "{\"promote_to_replica_source\":{}}");
        if (reply.status() != 202) {
            throw new IllegalStateException("promote refused: " + reply.status() + " " + reply.body());
        }
        return sent;
    }

    /** The promote job has succeeded and the set is settled; answers the pause the job measured. */
    @Override
    public double awaitSwitchedOver(Master oldMaster) throws Exception {
        JsonNode job = probe.awaitJob(promoting, "PROMOTE", Duration.ofSeconds(60));
        if (!"SUCCEEDED".equals(job.get("state").asString())) {
            throw new IllegalStateException("the promote of " + promoting + " did not succeed: " + job);
        }
        awaitSettled(oldMaster);
        JsonNode pause = job.get("progress").get("writePauseMillis");
        return pause == null ? -1 : pause.asDouble();
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
