package org.redtrove.api;

import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.redtrove.embedded.EmbeddedBroker;
import org.redtrove.embedded.PrivateFiles;
import org.redtrove.embedded.Processes;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The relay against the embedded AMQP broker dev mode uses (Qpid), started for this class. */
class OutboxRelayTest extends OutboxRelayContract {

    private static EmbeddedBroker broker;

    @DynamicPropertySource
    static void relay(DynamicPropertyRegistry registry) throws Exception {
        broker = EmbeddedBroker.start(Files.createTempDirectory("redtrove-test-broker"), Processes.freePort(),
                PrivateFiles.newSecret());
        registry.add("redtrove.outbox.relay-enabled", () -> "true");
        registry.add("redtrove.amqp.prefix", () -> PREFIX);
        registry.add("redtrove.amqp.url", broker::url);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }
}
