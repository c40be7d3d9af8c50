package org.redtrove.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker listens where it is told and nowhere else: on 127.0.0.1 by default, on a
 * bridge's address for guest agents in network namespaces. 127.0.0.2 stands in for such an
 * address: it is local on every Linux machine, without root.
 */
class EmbeddedBrokerTest {

    @TempDir
    Path work;

    @Test
    void listensOnLoopbackByDefault() throws Exception {
        int port = Processes.freePort();
        try (EmbeddedBroker broker = EmbeddedBroker.start(work, port, PrivateFiles.newSecret())) {
            assertThat(accepts("127.0.0.1", port)).isTrue();
            assertThat(broker.url()).endsWith("@127.0.0.1:" + port);
        }
    }

    @Test
    void listensOnlyOnTheAddressItIsGiven() throws Exception {
        int port = Processes.freePort();
        try (EmbeddedBroker broker = EmbeddedBroker.start(work, "127.0.0.2", port, PrivateFiles.newSecret())) {
            assertThat(accepts("127.0.0.2", port)).isTrue();
            assertThat(accepts("127.0.0.1", port)).as("on loopback as well").isFalse();
            assertThat(broker.url()).endsWith("@127.0.0.2:" + port);
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
