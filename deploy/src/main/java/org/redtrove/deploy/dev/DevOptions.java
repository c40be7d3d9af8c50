package org.redtrove.deploy.dev;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run the all-in-one stack.
 *
 * @param dataDir        holds the database, the guest's Redis instances, openrc and logs
 * @param apiPort        HTTP port of the Trove API (0 picks a free one)
 * @param identityPort   HTTP port of the identity service (0 picks a free one;
 *                       {@link #IDENTITY_PORT_5000_OR_FREE} takes Keystone's 5000 when it is free)
 * @param dbUrl          an external PostgreSQL (JDBC URL) instead of the embedded one, or null
 * @param amqpUrl        an external AMQP broker (amqp:// URL) instead of the embedded one, or null
 * @param amqpPrefix     prefix of every queue name, so that runs can share a broker
 * @param guestPortRange ports the guest agent gives its Redis instances, e.g. "17000-17999"
 * @param properties     more {@code key=value} settings for every service of the stack (tests use
 *                       them to turn automatic failover off, or to shorten its block period)
 */
public record DevOptions(Path dataDir, int apiPort, int identityPort, String dbUrl, String amqpUrl, String amqpPrefix,
                         String guestPortRange, List<String> properties) {

    /** Keystone's port if nothing listens there, else any free port. */
    public static final int IDENTITY_PORT_5000_OR_FREE = -1;

    public DevOptions {
        properties = List.copyOf(properties);
    }

    public static DevOptions defaults(Path dataDir) {
        return new DevOptions(dataDir, 8779, IDENTITY_PORT_5000_OR_FREE, null, null, "redtrove", "17000-17999",
                List.of());
    }

    public DevOptions withApiPort(int port) {
        return new DevOptions(dataDir, port, identityPort, dbUrl, amqpUrl, amqpPrefix, guestPortRange, properties);
    }

    public DevOptions withIdentityPort(int port) {
        return new DevOptions(dataDir, apiPort, port, dbUrl, amqpUrl, amqpPrefix, guestPortRange, properties);
    }

    public DevOptions withExternal(String db, String amqp) {
        return new DevOptions(dataDir, apiPort, identityPort, db, amqp, amqpPrefix, guestPortRange, properties);
    }

    public DevOptions withGuestPortRange(String range) {
        return new DevOptions(dataDir, apiPort, identityPort, dbUrl, amqpUrl, amqpPrefix, range, properties);
    }

    public DevOptions withProperties(String... more) {
        List<String> all = new ArrayList<>(properties);
        all.addAll(List.of(more));
        return new DevOptions(dataDir, apiPort, identityPort, dbUrl, amqpUrl, amqpPrefix, guestPortRange, all);
    }
}
