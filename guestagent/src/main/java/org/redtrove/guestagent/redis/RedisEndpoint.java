package org.redtrove.guestagent.redis;

import java.time.Duration;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** Where and how the agent reaches one of its own instances. Connections are short-lived and local. */
record RedisEndpoint(String host, int port, String password, Duration timeout) {

    Jedis open() {
        return open(timeout);
    }

    Jedis open(Duration socketTimeout) {
        return new Jedis(new HostAndPort(host, port), DefaultJedisClientConfig.builder()
                .password(password)
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) socketTimeout.toMillis())
                // CLIENT SETINFO only exists from Redis 7.2; the agent also runs 7.0.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .build());
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
