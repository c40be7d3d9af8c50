package org.redtrove.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A service the machine itself may run, which tests of the separate-services layout use. */
public enum LocalService {
    POSTGRESQL("PostgreSQL", 5432),
    RABBITMQ("RabbitMQ", 5672);

    private final String label;
    private final int port;

    LocalService(String label, int port) {
        this.label = label;
        this.port = port;
    }

    public String label() {
        return label;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
