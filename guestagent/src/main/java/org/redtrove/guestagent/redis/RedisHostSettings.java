package org.redtrove.guestagent.redis;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the Redis layer needs to know about its host, resolved (no defaults left to apply).
 *
 * @param dataDir             holds {@code instances/<uuid>/} and the extracted binary
 * @param bindAddress         what each redis-server binds to; the agent connects there too
 * @param ports               the ports instances may use
 * @param redisServer         the redis-server binary
 * @param superviseInterval   how often processes are checked and INFO is read
 * @param unresponsiveAfter   PING timeout: a live process that does not answer within it is UNRESPONSIVE
 * @param livenessInterval    how often each instance, and each replica's master, is PINGed
 * @param suspectAfter        an instance (or a replica's master) silent for longer is suspect: reported
 *                            every suspect-heartbeat interval
 * @param selfFenceAfter      a fenced master none of whose replicas answered its agent for this long
 *                            refuses writes at once ({@link SelfFence}); zero turns that off
 * @param stopRedisOnShutdown whether closing the host stops every redis-server (dev mode) or leaves them
 *                            running for the next agent to adopt (production)
 */
public record RedisHostSettings(Path dataDir, String bindAddress, PortRange ports, RedisBinary redisServer,
                                Duration superviseInterval, Duration unresponsiveAfter,
                                Duration livenessInterval, Duration suspectAfter,
                                Duration selfFenceAfter, boolean stopRedisOnShutdown) {

    Path instancesDir() {
        return dataDir.resolve("instances");
    }

    /** Where the agent itself connects: a wildcard bind is reachable on loopback. */
    String connectHost() {
        return switch (bindAddress) {
            case "0.0.0.0", "*" -> "127.0.0.1";
            case "::", "::0" -> "::1";
            default -> bindAddress.split("\\s+")[0];
        };
    }
}
