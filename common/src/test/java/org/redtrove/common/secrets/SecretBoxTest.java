package org.redtrove.common.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    @TempDir
    Path dir;

    @Test
    void sealedValuesRevealNothingAndOpenOnlyWithTheSameKeyAndPurpose() throws Exception {
        Path keyFile = dir.resolve("secret.key");
        SecretBox box = SecretBox.fromKeyFile(keyFile);
        String sealed = box.seal("instances.password", "hunter2-redis");

        assertThat(sealed).startsWith("v1:").doesNotContain("hunter2");
        assertThat(box.seal("instances.password", "hunter2-redis")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThat(box.open("instances.password", sealed)).isEqualTo("hunter2-redis");
        assertThat(SecretBox.fromKeyFile(keyFile).open("instances.password", sealed))
                .as("the same key file, read again").isEqualTo("hunter2-redis");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");

        assertThatThrownBy(() -> box.open("another.purpose", sealed)).isInstanceOf(IllegalStateException.class);
        SecretBox otherKey = SecretBox.fromKeyFile(dir.resolve("other.key"));
        assertThatThrownBy(() -> otherKey.open("instances.password", sealed))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("same key file");
    }

    @Test
    void aValueStoredBeforeSealingOpensAsItIs() {
        SecretBox box = SecretBox.fromKeyFile(dir.resolve("secret.key"));
        assertThat(SecretBox.isSealed("plain-old-password")).isFalse();
        assertThat(box.open("instances.password", "plain-old-password")).isEqualTo("plain-old-password");
    }
}
