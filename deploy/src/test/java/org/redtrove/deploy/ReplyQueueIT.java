package org.redtrove.deploy;

import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.redtrove.embedded.EmbeddedBroker;
import org.redtrove.embedded.PrivateFiles;
import org.redtrove.embedded.Processes;

/** The reply queue contract on the embedded broker dev mode uses (Qpid). */
class ReplyQueueIT extends ReplyQueueContract {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(Files.createTempDirectory("redtrove-replyq-broker"), Processes.freePort(),
                PrivateFiles.newSecret());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String brokerUrl() {
        return broker.url();
    }
}
