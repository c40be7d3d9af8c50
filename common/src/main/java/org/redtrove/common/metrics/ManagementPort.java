package org.redtrove.common.metrics;

import java.util.OptionalInt;

/** A process's management port as it was opened, or why it was not. */
public final class ManagementPort implements AutoCloseable {

    private final MetricsServer server;
    private final String whyClosed;

    ManagementPort(MetricsServer server, String whyClosed) {
        this.server = server;
        this.whyClosed = whyClosed;
    }

    /** The port it listens on; empty when it is closed. */
    public OptionalInt port() {
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    /** For the log: where metrics are read, or why they are not served. */
    public String describe(String bindAddress) {
        return server == null ? "metrics are not served: " + whyClosed
                : "metrics at http://" + bindAddress + ":" + server.port() + MetricsServer.PATH;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
