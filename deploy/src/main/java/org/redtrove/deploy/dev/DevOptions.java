package org.redtrove.deploy.dev;

import java.nio.file.Path;

/**
 * How to run the all-in-one stack.
 *
 * @param dataDir        holds the database, the guest's Redis instances, openrc and logs
 * @param apiPort        HTTP port of the API (0 picks a free one)
 * @param dbUrl          an external PostgreSQL (JDBC URL) instead of the embedded one, or null
 * @param amqpUrl        an external AMQP broker (amqp:// URL) instead of the embedded one, or null
 * @param amqpPrefix     prefix of every queue name, so that runs can share a broker
 * @param guestPortRange ports the guest agent gives its Redis instances, e.g. "17000-17999"
 */
public record DevOptions(Path dataDir, int apiPort, String dbUrl, String amqpUrl, String amqpPrefix,
                         String guestPortRange) {

    public static DevOptions defaults(Path dataDir) {
        return new DevOptions(dataDir, 8779, null, null, "redtrove", "17000-17999");
    }

    public DevOptions withApiPort(int port) {
        return new DevOptions(dataDir, port, dbUrl, amqpUrl, amqpPrefix, guestPortRange);
    }

    public DevOptions withExternal(String db, String amqp) {
        return new DevOptions(dataDir, apiPort, db, amqp, amqpPrefix, guestPortRange);
    }

    public DevOptions withGuestPortRange(String range) {
        return new DevOptions(dataDir, apiPort, dbUrl, amqpUrl, amqpPrefix, range);
    }
}
