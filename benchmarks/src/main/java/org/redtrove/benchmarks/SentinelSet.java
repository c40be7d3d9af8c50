package org.redtrove.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.redtrove.embedded.PrivateFiles;
import org.redtrove.embedded.Processes;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The baseline: a master and two replicas watched by three Redis Sentinels (quorum 2), all on
 * loopback, with a password on the data servers as a tenant's set has, and the same one on the
 * Sentinels (as RedTrove's endpoint takes the set's), so one client configuration serves both.
 * Each fault run gets a fresh one, because Sentinel will not fail the same master name over again
 * for 2 × failover-timeout (6 minutes by default). Nothing restarts a dead redis-server here:
 * there is no agent.
 */
final class SentinelSet implements FailoverTarget, AutoCloseable {

    static final String NAME = "bench";

    /** How the Sentinels are configured: down-after-milliseconds, failover-timeout. */
    record Settings(long downAfterMillis, long failoverTimeoutMillis) {
    }

    private final Path dir;
    private final String password = PrivateFiles.newSecret();
    private final List<Process> servers = new ArrayList<>();
    private final List<Integer> serverPorts = new ArrayList<>();
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();

    private SentinelSet(Path dir) {
        this.dir = dir;
    }

    static SentinelSet start(Path dir, Settings settings) throws Exception {
        Files.createDirectories(dir);
        SentinelSet set = new SentinelSet(dir);
        try {
            set.startServers();
            set.startSentinels(settings);
            set.awaitDiscovery();
            return set;
        } catch (Exception | Error e) {
            set.close();
            throw e;
        }
    }

    private void startServers() throws Exception {
        for (int i = 0; i < 3; i++) {
            int port = Processes.freePort();
            String conf = "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\ndbfilename dump-" + port + ".rdb\n"
                    + "save \"\"\nappendonly no\nrepl-diskless-sync-delay 0\nrequirepass " + password + "\nmasterauth " + password + "\n"
                    + (i == 0 ? "" : "replicaof 127.0.0.1 " + serverPorts.get(0) + "\n");
            servers.add(launch("server-" + port, conf, false));
            serverPorts.add(port);
            awaitPing(port, password);
        }
    }

    private void startSentinels(Settings s) throws Exception {
        for (int i = 0; i < 3; i++) {
            int port = Processes.freePort();
            String conf = "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n"
                    + "sentinel monitor " + NAME + " 127.0.0.1 " + serverPorts.get(0) + " 2\n"
                    + "sentinel auth-pass " + NAME + " " + password + "\n"
                    + "sentinel down-after-milliseconds " + NAME + " " + s.downAfterMillis() + "\n"
                    + "sentinel failover-timeout " + NAME + " " + s.failoverTimeoutMillis() + "\n"
                    // The same password on the Sentinels as on the data servers, as RedTrove's
                    // endpoint takes the set's: one client configuration against both.
                    + "requirepass " + password + "\nsentinel sentinel-pass " + password + "\n";
            sentinels.add(launch("sentinel-" + port, conf, true));
            sentinelPorts.add(port);
            awaitPing(port, password);
        }
    }

    private Process launch(String name, String conf, boolean sentinel) throws IOException {
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, conf);
        List<String> command = new ArrayList<>(List.of("redis-server", file.toString()));
        if (sentinel) {
            command.add("--sentinel");
        }
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static void awaitPing(int port, String password) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
                if (password != null) {
                    j.auth(password);
                }
                j.ping();
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("no redis-server on " + port);
    }

    /** Every Sentinel knows both replicas and both other Sentinels, and both replicas are in sync. */
    private void awaitDiscovery() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ready = true;
            for (int port : serverPorts.subList(1, serverPorts.size())) {
                try (Jedis r = new Jedis("127.0.0.1", port, 500)) {
                    r.auth(password);
                    ready &= r.info("replication").contains("master_link_status:up");
                } catch (RuntimeException notYet) {
                    ready = false;
                }
            }
            for (int port : sentinelPorts) {
                try (Jedis s = sentinel(port, 500)) {
                    Map<String, String> m = s.sentinelMaster(NAME);
                    ready &= "2".equals(m.get("num-slaves")) && "2".equals(m.get("num-other-sentinels"));
                } catch (RuntimeException notYet) {
                    ready = false;
                }
            }
            if (ready) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the Sentinels did not discover the set; logs in " + dir);
    }

    private Jedis sentinel(int port, int timeoutMillis) {
        Jedis s = new Jedis("127.0.0.1", port, timeoutMillis);
        try {
            s.auth(password);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The master's address as the first Sentinel that answers gives it, or null. */
    private Integer sentinelsMasterPort() {
        for (int port : sentinelPorts) {
            try (Jedis s = sentinel(port, 200)) {
                return Integer.parseInt(s.sentinelGetMasterAddrByName(NAME).get(1));
            } catch (RuntimeException unreachable) {
                // the next
            }
        }
        return null;
    }

    @Override
    public Master master() {
        Integer port = sentinelsMasterPort();
        if (port == null) {
            throw new IllegalStateException("no Sentinel answers");
        }
        Process p = servers.get(serverPorts.indexOf(port));
        return new Master(new FollowingWriter.Endpoint(port, password), p.pid());
    }

    /** The highest config-epoch any Sentinel has for the master. */
    @Override
    public long epoch() {
        long epoch = 0;
        for (int port : sentinelPorts) {
            try (Jedis s = sentinel(port, 500)) {
                epoch = Math.max(epoch, Long.parseLong(s.sentinelMaster(NAME).get("config-epoch")));
            }
        }
        return epoch;
    }

    /** What a Sentinel-aware client does: ask a Sentinel where the master is. */
    @Override
    public List<FollowingWriter.Endpoint> candidates(int failedPort) {
        Integer port = sentinelsMasterPort();
        return port == null ? List.of() : List.of(new FollowingWriter.Endpoint(port, password));
    }

    @Override
    public List<FollowingWriter.Endpoint> members() {
        return serverPorts.stream().map(p -> new FollowingWriter.Endpoint(p, password)).toList();
    }

    /** All three Sentinels; their password is the data servers'. */
    @Override
    public SentinelClientWriter.Discovery discovery() {
        Set<HostAndPort> addresses = new LinkedHashSet<>();
        sentinelPorts.forEach(p -> addresses.add(new HostAndPort("127.0.0.1", p)));
        return new SentinelClientWriter.Discovery(NAME, addresses, password);
    }

    /**
     * {@code SENTINEL FAILOVER} on the first Sentinel. Right after the previous one it may still
     * answer INPROG, or NOGOODSLAVE while its view of the replicas is being refreshed: asked again.
     */
    @Override
    public long requestSwitchover(Master master) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Jedis s = sentinel(sentinelPorts.get(0), 2000)) {
            while (true) {
                long sent = System.nanoTime();
                try {
                    s.sentinelFailover(NAME);
                    return sent;
                } catch (JedisDataException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /**
     * Every Sentinel names the same new master, each redis-server has that role, both replicas
     * replicate it with their link up, and the Sentinels see both as healthy replicas. Sentinel
     * converts the old master into a replica only some 10 s after the switch (it waits for a
     * newer configuration first), and until then that old master takes writes.
     */
    @Override
    public double awaitSwitchedOver(Master oldMaster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (wholeAgain(oldMaster.endpoint().port())) {
                return -1;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the Sentinels' switchover away from " + oldMaster.endpoint().port()
                + " did not finish; logs in " + dir);
    }

    private boolean wholeAgain(int oldPort) {
        try {
            Integer master = null;
            for (int port : sentinelPorts) {
                try (Jedis s = sentinel(port, 500)) {
                    int named = Integer.parseInt(s.sentinelGetMasterAddrByName(NAME).get(1));
                    if (named == oldPort || (master != null && named != master)
                            || !"master".equals(s.sentinelMaster(NAME).get("flags"))) {
                        return false;
                    }
                    master = named;
                    for (Map<String, String> replica : s.sentinelReplicas(NAME)) {
                        if (!"slave".equals(replica.get("flags")) || !"ok".equals(replica.get("master-link-status"))) {
                            return false;
                        }
                    }
                }
            }
            for (int port : serverPorts) {
                try (Jedis r = new Jedis("127.0.0.1", port, 500)) {
                    r.auth(password);
                    String info = r.info("replication");
                    boolean ok = port == master ? info.contains("role:master") && info.contains("connected_slaves:2")
                            : info.contains("role:slave") && info.contains("master_port:" + master + "\r")
                              && info.contains("master_link_status:up");
                    if (!ok) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    @Override
    public void loseHost(Master master) throws Exception {
        FaultRunner.signal("KILL", master.pid());
    }

    @Override
    public void bringBack(FaultKind fault, Master oldMaster) {
        // nothing restarts a dead redis-server in a plain Sentinel deployment
    }

    @Override
    public boolean oldMasterReturns(FaultKind fault) {
        return fault == FaultKind.STOP;
    }

    /** A fresh set per run: nothing to wait for beyond the failover itself. */
    @Override
    public void awaitSettled(Master oldMaster) {
    }

    @Override
    public void close() throws Exception {
        for (Process p : sentinels) {
            p.destroyForcibly().waitFor();
        }
        for (Process p : servers) {
            p.destroyForcibly().waitFor();
        }
    }
}
