package org.redtrove.guestagent;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the guest agent, keys under {@code redtrove.guest.*} (env: {@code REDTROVE_GUEST_*}).
 * Every key has a default that works on a developer machine.
 *
 * @param dataDir             data-dir: instance directories and the agent's own files. Default ./guest-data
 * @param hostId              host-id: this host's identity (its RPC queue name). Default: read from
 *                            {@code <data-dir>/host-id}, generated once as a random UUID
 * @param hostName            host-name: shown to operators. Default: the machine's hostname
 * @param address             address: where other hosts reach this host's Redis instances (replicas
 *                            connect to it). Default 127.0.0.1
 * @param bindAddress         bind-address: what each redis-server binds to. Default 127.0.0.1
 * @param portRange           port-range: ports for instances, "first-last". Default 17000-17999
 * @param redisServer         redis-server: path or command name. Default: redis-server on PATH, else the
 *                            7.0.15 build bundled in embedded-redis, extracted to {@code <data-dir>/bin}
 * @param heartbeatInterval   heartbeat-interval: heartbeat and supervision period. Default 1s
 * @param unresponsiveAfter   unresponsive-after: PING timeout; a live Redis silent that long is
 *                            UNRESPONSIVE. Default 1s
 * @param livenessInterval    liveness-interval: how often the agent PINGs each instance, and each
 *                            replica's master, on a persistent connection. Default 100ms
 * @param suspectAfter        suspect-after: an instance, or a replica's master, silent for longer is
 *                            suspect. Default 250ms
 * @param suspectHeartbeatInterval suspect-heartbeat-interval: heartbeat period while any instance is
 *                            suspect, stopped or held. Default 100ms
 * @param selfFenceAfter      self-fence-after: a master with fencing on, none of whose replicas has
 *                            answered the agent's PING for this long, refuses writes at once, until
 *                            one answers (Redis's own min-replicas-max-lag takes 1 to 3 s). Below
 *                            the taskmanager's failover detection (1s); 0 turns it off. Default 600ms
 * @param stopRedisOnShutdown stop-redis-on-shutdown: stop every redis-server when the agent stops.
 *                            Default false (a restarted agent adopts them); dev mode sets true
 */
@ConfigurationProperties("redtrove.guest")
public record GuestAgentProperties(
        @DefaultValue("./guest-data") Path dataDir,
        String hostId,
        String hostName,
        @DefaultValue("127.0.0.1") String address,
        @DefaultValue("127.0.0.1") String bindAddress,
        @DefaultValue("17000-17999") String portRange,
        String redisServer,
        @DefaultValue("1s") Duration heartbeatInterval,
        @DefaultValue("1s") Duration unresponsiveAfter,
        @DefaultValue("100ms") Duration livenessInterval,
        @DefaultValue("250ms") Duration suspectAfter,
        @DefaultValue("100ms") Duration suspectHeartbeatInterval,
        @DefaultValue("600ms") Duration selfFenceAfter,
        @DefaultValue("false") boolean stopRedisOnShutdown) {
}
