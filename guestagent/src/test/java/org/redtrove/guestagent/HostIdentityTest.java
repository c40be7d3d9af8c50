package org.redtrove.guestagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostIdentityTest {

    @TempDir
    Path dataDir;

    private GuestAgentProperties properties(String hostId) {
        return new GuestAgentProperties(dataDir, hostId, null, "10.1.2.3", "127.0.0.1", "17000-17999", null,
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(250),
                Duration.ofMillis(100), Duration.ofMillis(600), false);
    }

    @Test
    void generatedHostIdSurvivesAgentRestarts() {
        HostIdentity first = HostIdentity.resolve(properties(null));
        HostIdentity second = HostIdentity.resolve(properties(""));

        assertThat(UUID.fromString(first.hostId())).isNotNull();
        assertThat(second.hostId()).isEqualTo(first.hostId());
        assertThat(dataDir.resolve("host-id")).content().contains(first.hostId());
        assertThat(first.hostName()).isNotBlank();
        assertThat(first.address()).isEqualTo("10.1.2.3");
    }

    @Test
    void configuredHostIdWins() {
        assertThat(HostIdentity.resolve(properties("host-a")).hostId()).isEqualTo("host-a");
    }
}
