package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.deploy.ContinuousWriter.Outcome;
import org.redtrove.deploy.ContinuousWriter.Write;
import org.redtrove.deploy.NetnsHosts.Host;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.JsonNode;

/**
 * The multi-host layout of deploy/README.md, on one machine: four hosts that are network
 * namespaces with addresses of their own ({@code deploy/netns-hosts}), a guest agent on each of the
 * first three (the fourth joins later), two taskmanagers and two api processes behind one address,
 * one PostgreSQL and one broker. Through that address, as a tenant: a set's members are spread over
 * three hosts; a guest agent restarted (as an upgrade restarts it) leaves its master serving every
 * write, with no failover; the master's whole host lost fails the set over to another host; a
 * host added takes the next replica; one api process lost, the other answers.
 */
@RequiresNetworkNamespaces
class MultiHostIT {

    private static final Duration BUILD = Duration.ofSeconds(120);

    @TempDir
    Path work;

    private ProcessStack stack;
    private TroveHttp trove;

    @Test
    void aSetSpreadsOverHostsOutlivesAnAgentUpgradeAndAHostLossAndGrowsOntoAnAddedHost() throws Exception {
        try (NetnsHosts net = NetnsHosts.up("rtm", "a", "b", "c", "d");
             ProcessStack started = ProcessStack.start(work, net.bridgeAddress(), List.of())) {
            stack = started;
            try {
                layOut(net);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(e.getMessage() + stack.outputs(), e);
            }
        }
    }

    private void layOut(NetnsHosts net) throws Exception {
        stack.startTaskmanager();
        int secondApi = freePort();
        stack.startAnotherApi(secondApi);
        int firstApi = Integer.parseInt(stack.apiUrl().replaceFirst(".*:", ""));
        List<Host> hosts = List.of(net.host("a"), net.host("b"), net.host("c"));
        int range = 21000;
        for (Host host : hosts) {
            stack.startGuestOn(host, range + "-" + (range + 99));
            range += 100;
        }
        for (Host host : hosts) {
            stack.awaitReporting(host.name(), Duration.ofSeconds(60));
        }
        try (TcpBalancer balancer = new TcpBalancer(List.of(firstApi, secondApi))) {
            trove = stack.loginAt(balancer.url());

            // anti-affinity: a master and two replicas on three different hosts
            String master = create("{\"instance\":{\"name\":\"spread\",\"flavorRef\":\"1\"}}");
            trove.awaitStatus(master, BUILD, "ACTIVE");
            create("{\"instance\":{\"name\":\"spread-r\",\"replica_of\":\"" + master + "\",\"replica_count\":2}}");
            List<String> replicas = replicasOf(master);
            for (String replica : replicas) {
                trove.awaitStatus(replica, BUILD, "ACTIVE");
            }
            Set<String> used = new HashSet<>();
            used.add(hostOf(master));
            for (String replica : replicas) {
                assertThat(hostOf(replica)).as("a replica's host").isNotEqualTo(hostOf(master));
                used.add(hostOf(replica));
            }
            assertThat(used).as("the set's hosts").hasSize(3);
            String masterHostId = hostOf(master);
            Host masterHost = hosts.stream().filter(h -> h.name().equals(masterHostId)).findFirst().orElseThrow();
            String password = trove.trove("GET", "/instances/" + master + "/password", null).json().get("password")
                    .asString();
            int masterPort = view(master).get("port").asInt();

            // a guest agent upgraded: stopped and started again while its master takes writes
            try (ContinuousWriter writer = ContinuousWriter.startInNamespace(masterHost.name(), masterHost.address(),
                    masterPort, password)) {
                writer.awaitAcknowledged(100, Duration.ofSeconds(30));
                long restarted = System.currentTimeMillis();
                stack.guest(masterHost.name()).terminate(Duration.ofSeconds(60));
                stack.startGuestOn(masterHost, portRangeOf(masterHost, hosts));
                stack.awaitReporting(masterHost.name(), Duration.ofSeconds(60));
                long acknowledged = writer.acknowledged();
                writer.awaitAcknowledged(acknowledged + 100, Duration.ofSeconds(30));
                writer.close();
                List<Write> during = writer.writes().stream().filter(w -> w.atMillis() >= restarted).toList();
                assertThat(during).as("writes while its agent restarted").isNotEmpty();
                assertThat(during.stream().filter(w -> w.outcome() != Outcome.ACK).toList())
                        .as("writes refused or lost while the agent restarted").isEmpty();
            }
            assertThat(view(master).get("replica_set").get("epoch").asLong()).as("no failover for an agent restart")
                    .isEqualTo(1);
            assertThat(view(master).has("replica_of")).isFalse();

            // a host lost: its agent and every redis-server on it gone at once
            stack.guest(masterHost.name()).kill();
            RedisProcesses.killInstancesOf(work.resolve("guest-" + masterHost.name()));
            String newMaster = awaitNewMaster(replicas, Duration.ofSeconds(60));
            assertThat(hostOf(newMaster)).isNotEqualTo(masterHost.name());
            JsonNode eject = new SetProbe(trove).awaitJob(master, "EJECT", Duration.ofSeconds(60));
            assertThat(eject.get("progress").get("reason").asString()).as(eject.toString()).contains("LOST_HOST");
            try (Jedis redis = new Jedis(ip(newMaster), view(newMaster).get("port").asInt(), 2000)) {
                redis.auth(password);
                SetProbe.setWhenTaken(redis, "after-loss", "served");
            }

            // a host added: the next replica goes to it, the host without an instance
            Host added = net.host("d");
            stack.startGuestOn(added, "21300-21399");
            stack.awaitReporting(added.name(), Duration.ofSeconds(60));
            // and one api process lost: the other answers behind the same address
            stack.api().kill();
            trove = stack.loginAt(balancer.url()); // a client's connections to it broke with it, as through any balancer
            create("{\"instance\":{\"name\":\"spread-r2\",\"replica_of\":\"" + newMaster + "\"}}");
            String grown = replicasOf(newMaster).stream().filter(r -> !replicas.contains(r) && !r.equals(master))
                    .findFirst().orElseThrow();
            trove.awaitStatus(grown, BUILD, "ACTIVE");
            assertThat(hostOf(grown)).as("the new replica's host").isEqualTo(added.name());
            try (Jedis redis = new Jedis(ip(grown), view(grown).get("port").asInt(), 2000)) {
                redis.auth(password);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!"served".equals(redis.get("after-loss"))) {
                    assertThat(System.nanoTime()).as("the new replica has the set's data").isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
        }
    }

    private static String portRangeOf(Host host, List<Host> hosts) {
        int base = 21000 + 100 * hosts.indexOf(host);
        return base + "-" + (base + 99);
    }

    private String create(String body) throws Exception {
        return trove.createInstance(body);
    }

    private JsonNode view(String id) throws Exception {
        return trove.instance(id);
    }

    private String ip(String id) throws Exception {
        return view(id).get("ip").get(0).asString();
    }

    private List<String> replicasOf(String id) throws Exception {
        List<String> ids = new ArrayList<>();
        JsonNode replicas = view(id).get("replicas");
        if (replicas != null) {
            replicas.forEach(r -> ids.add(r.get("id").asString()));
        }
        return ids;
    }

    /** The host the database places the instance on (host ids are the namespaces' names here). */
    private String hostOf(String id) throws Exception {
        try (Connection db = stack.connect(); PreparedStatement q = db.prepareStatement(
                "select host_id from instances where id = cast(? as uuid)")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private String awaitNewMaster(List<String> replicas, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String replica : replicas) {
                JsonNode v = view(replica);
                if (!v.has("replica_of") && v.get("replica_set").get("epoch").asLong() > 1) {
                    return replica;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no failover within " + timeout);
    }



    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
