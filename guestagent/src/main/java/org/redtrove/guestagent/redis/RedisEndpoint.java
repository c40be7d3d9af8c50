package org.redtrove.guestagent.redis;

import java.time.Duration;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Where and how the agent reaches a Redis: one of its own instances (as {@value RedisUsers#AGENT_USER}),
 * or a replica's master (as {@value RedisUsers#REPLICATION_USER}).
 *
 * @param user null: Redis's default user, for instances created before ACLs
 */
record RedisEndpoint(String host, int port, String user, String password, Duration timeout) {

    Jedis open() {
        return open(timeout);
    }

    Jedis open(Duration socketTimeout) {
        var config = DefaultJedisClientConfig.builder()
                .password(password)
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) socketTimeout.toMillis())
                // RESP2, said so: Jedis would otherwise warn on every connection that it assumes it.
                .autoNegotiateProtocol(false)
                // CLIENT SETINFO only exists from Redis 7.2; the agent also runs 7.0.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (user != null) {
            config.user(user);
        }
        return new Jedis(new HostAndPort(host, port), config.build());
    }

    /** Never print the password. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
