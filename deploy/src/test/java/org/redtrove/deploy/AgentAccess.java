package org.redtrove.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * Logs in to an instance's Redis as its guest agent does, with the agent's own user: what a test
 * needs to look at or break what the tenant may not touch (CONFIG, REPLICAOF). The password is
 * only in the instance's redis.conf, which the test can read as the same local user.
 */
public final class AgentAccess {

    private static final Pattern AGENT = Pattern.compile("^user redtrove-agent on \">([0-9a-f]+)\"", Pattern.MULTILINE);

    private AgentAccess() {
    }

    /** The instance directory under a guest data dir. */
    public static Path instanceDir(Path guestDataDir, String instanceId) {
        return guestDataDir.resolve("instances").resolve(instanceId);
    }

    public static Jedis connect(Path instanceDir, int port) throws IOException {
        return connect(instanceDir, "127.0.0.1", port);
    }

    /** An instance on another host than loopback: a host of {@code deploy/netns-hosts}. */
    public static Jedis connect(Path instanceDir, String host, int port) throws IOException {
        Matcher m = AGENT.matcher(Files.readString(instanceDir.resolve("redis.conf")));
        if (!m.find()) {
            throw new IllegalStateException("no agent user in " + instanceDir.resolve("redis.conf"));
        }
        Jedis jedis = new Jedis(host, port);
        jedis.auth("redtrove-agent", m.group(1));
        return jedis;
    }
}
