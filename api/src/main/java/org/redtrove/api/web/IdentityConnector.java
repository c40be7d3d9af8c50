package org.redtrove.api.web;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

/**
 * The identity service's own port ({@code redtrove.identity.port}), a second connector of the
 * api's Tomcat: Keystone has its own port (5000) beside Trove's (8779), and clients expect
 * {@code GET /} to answer each service's own version list, which one port cannot do for both.
 */
public final class IdentityConnector {

    private final Connector connector;

    IdentityConnector(int port, String bindAddress) {
        connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
        connector.setPort(port);
        if (bindAddress != null && !bindAddress.isBlank()) {
            connector.setProperty("address", bindAddress);
        }
    }

    Connector connector() {
        return connector;
    }

    /** The port it listens on (the one picked for port 0), once the server has started. */
    public int localPort() {
        return connector.getLocalPort();
    }
}
