package org.redtrove.api.sentinel;

import java.util.function.IntSupplier;

/**
 * Where a client reaches the Sentinel endpoint, for the detail view's replica_set: the configured
 * public host, else the host the client used to reach the api (which is where this process runs).
 */
public final class SentinelDirections {

    /** The endpoint's address as the views show it. */
    public record Address(String host, int port) {
    }

    private final String publicHost;
    private final IntSupplier port;

    SentinelDirections(String publicHost, IntSupplier port) {
        this.publicHost = publicHost;
        this.port = port;
    }

    public Address forClientOf(String apiHost) {
        return new Address(publicHost.isBlank() ? apiHost : publicHost, port.getAsInt());
    }
}
