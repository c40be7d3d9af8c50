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

    /**
     * A rotation: the new key first opens only (next), then seals while the old one still opens
     * (previous). Only what a previous key sealed is to be sealed again: a process of the first
     * round restarted late must not seal values back under the old key.
     */
    @Test
    void nextAndPreviousKeysOpenButNeverSealAndOnlyPreviousOnesAreSealedAway() throws Exception {
        Path oldKey = dir.resolve("old.key");
        Path newKey = dir.resolve("new.key");
        String byOld = SecretBox.fromKeyFile(oldKey).seal("instances.password", "pw-1");
        SecretBox.fromKeyFile(newKey);

        SecretBox roundOne = SecretBox.fromKeyFiles(oldKey, newKey.toString(), "");
        assertThat(roundOne.open("instances.password", byOld)).isEqualTo("pw-1");
        assertThat(SecretBox.fromKeyFile(oldKey).open("instances.password", roundOne.seal("instances.password", "x")))
                .as("still sealed under the old key").isEqualTo("x");

        SecretBox roundTwo = SecretBox.fromKeyFiles(newKey, "", " " + oldKey + " ,");
        assertThat(roundTwo.open("instances.password", byOld)).isEqualTo("pw-1");
        assertThat(roundTwo.needsResealing("instances.password", byOld)).isTrue();
        String byNew = roundTwo.seal("instances.password", "pw-1");
        assertThat(roundTwo.needsResealing("instances.password", byNew)).isFalse();
        assertThat(roundTwo.needsResealing("instances.password", "plain")).as("plain text").isTrue();
        assertThat(roundTwo.needsResealing("instances.password", null)).isFalse();
        assertThat(roundOne.open("instances.password", byNew)).as("a process of round one opens it").isEqualTo("pw-1");
        assertThat(roundOne.needsResealing("instances.password", byNew))
                .as("and never seals it back under the old key").isFalse();
        String byStranger = SecretBox.fromKeyFile(dir.resolve("stranger.key")).seal("instances.password", "?");
        assertThat(roundTwo.needsResealing("instances.password", byStranger)).as("no key opens it").isFalse();

        assertThatThrownBy(() -> SecretBox.fromKeyFile(newKey).open("instances.password", byOld))
                .as("once the old key is dropped").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SecretBox.fromKeyFiles(newKey, dir.resolve("missing.key").toString(), ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("next-key-files");
        assertThat(Files.exists(dir.resolve("missing.key"))).isFalse();
    }

    /** The runbook's command for the next key makes one this box reads, readable by its owner only. */
    @Test
    void theRunbooksNextKeyIsAKey() throws Exception {
        Path next = dir.resolve("secret.key.next");
        Process p = new ProcessBuilder("bash", "-c", "umask 077 && head -c 32 /dev/urandom | base64 > " + next)
                .inheritIO().start();
        assertThat(p.waitFor()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(next))).isEqualTo("rw-------");
        SecretBox box = SecretBox.fromKeyFile(next);
        assertThat(box.open("x", box.seal("x", "y"))).isEqualTo("y");
    }

    @Test
    void aValueStoredBeforeSealingOpensAsItIs() {
        SecretBox box = SecretBox.fromKeyFile(dir.resolve("secret.key"));
        assertThat(SecretBox.isSealed("plain-old-password")).isFalse();
        assertThat(box.open("instances.password", "plain-old-password")).isEqualTo("plain-old-password");
    }
}
