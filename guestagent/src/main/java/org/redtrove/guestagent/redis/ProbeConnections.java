package org.redtrove.guestagent.redis;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Each instance's probes over one connection kept open between them. A new connection every second
 * for each of 500 instances (connect, AUTH, close) cost the host more than the probe's commands.
 * A connection that fails is dropped; a reused one that turns out broken (its Redis restarted
 * meanwhile) is replaced once at once, so a restart between two probes never reads as silence. A
 * second probe of the same instance while one runs gets a connection of its own.
 */
final class ProbeConnections implements AutoCloseable {

    private static final class Held {
        final ReentrantLock lock = new ReentrantLock();
        Jedis connection;
        RedisEndpoint connectedTo;

        void drop() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (RuntimeException ignored) {
                    // broken already
                }
            }
            connection = null;
            connectedTo = null;
        }
    }

    private final Map<UUID, Held> held = new ConcurrentHashMap<>();

    Probe of(UUID id, RedisEndpoint endpoint) {
        Held h = held.computeIfAbsent(id, k -> new Held());
        if (!h.lock.tryLock()) {
            return Probe.of(endpoint);
        }
        try {
            boolean reused = h.connection != null && endpoint.equals(h.connectedTo);
            try {
                return probe(h, endpoint);
            } catch (JedisConnectionException e) {
                h.drop();
                if (!reused) {
                    return Probe.failed(e);
                }
                return probe(h, endpoint);
            }
        } catch (JedisException e) {
            h.drop();
            return Probe.failed(e);
        } finally {
            h.lock.unlock();
        }
    }

    private static Probe probe(Held h, RedisEndpoint endpoint) {
        if (h.connection == null || !endpoint.equals(h.connectedTo)) {
            h.drop();
            h.connection = endpoint.open();
            h.connectedTo = endpoint;
        }
        return Probe.on(h.connection);
    }

    /** The instance is gone from this host: its connection with it. */
    void forget(UUID id) {
        Held h = held.remove(id);
        if (h != null) {
            h.lock.lock();
            try {
                h.drop();
            } finally {
                h.lock.unlock();
            }
        }
    }

    @Override
    public void close() {
        held.keySet().forEach(this::forget);
    }
}
