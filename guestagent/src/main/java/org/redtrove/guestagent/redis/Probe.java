package org.redtrove.guestagent.redis;

import java.util.Map;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.ReplicationInfo;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * One health check of an instance: PING as the agent, then INFO replication, persistence, stats,
 * memory and clients (one round trip, Redis 7's INFO of several sections) for the role, the sync
 * counters and the load figures, and the save policy.
 */
record Probe(Answer answer, String error, ReplicationInfo replication, Boolean persistent, InstanceReport.Usage usage) {

    enum Answer {
        /** PONG: serving. */
        PONG,
        /** -LOADING: alive, reading its AOF/RDB; valid answer, not yet serving. */
        LOADING,
        /** Refused our credentials: alive, but not the instance we configured. */
        AUTH_REFUSED,
        /** Connection refused, or no answer within unresponsive-after. */
        NO_ANSWER
    }

    /** On a connection of its own, closed after. */
    static Probe of(RedisEndpoint endpoint) {
        try (Jedis jedis = endpoint.open()) {
            return on(jedis);
        } catch (JedisException e) {
            return failed(e);
        }
    }

    /** On an open connection; a JedisException means that connection is no use any more. */
    static Probe on(Jedis jedis) {
        jedis.ping();
        String info = SafeEncoder.encode((byte[]) jedis.sendCommand(Protocol.Command.INFO,
                "replication", "persistence", "stats", "memory", "clients"));
        Map<String, String> fields = InfoReplication.fields(info);
        String save = jedis.configGet("save").getOrDefault("save", "");
        boolean persistent = "1".equals(fields.get("aof_enabled")) || !save.isBlank();
        return new Probe(Answer.PONG, null, InfoReplication.parse(fields, fields), persistent, usage(fields));
    }

    static InstanceReport.Usage usage(Map<String, String> f) {
        return new InstanceReport.Usage(number(f, "used_memory"), number(f, "maxmemory"),
                number(f, "connected_clients"), number(f, "instantaneous_ops_per_sec"));
    }

    private static long number(Map<String, String> fields, String key) {
        try {
            return Long.parseLong(fields.getOrDefault(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Probe failed(JedisException e) {
        String message = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        String all = message + (cause == null ? "" : " " + cause.getMessage());
        if (all.contains("LOADING")) {
            return new Probe(Answer.LOADING, "loading its data set", null, null, null);
        }
        if (all.contains("WRONGPASS") || all.contains("NOAUTH") || all.contains("invalid password")) {
            return new Probe(Answer.AUTH_REFUSED, "Redis refused the agent's credentials", null, null, null);
        }
        return new Probe(Answer.NO_ANSWER, message, null, null, null);
    }
}
