package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisBinaryTest {

    @TempDir
    Path dataDir;

    @Test
    void bundledServerIsExtractedOnceAndRuns() throws Exception {
        RedisBinary first = RedisBinary.extractBundled(dataDir.resolve("bin"));
        long modified = Files.getLastModifiedTime(first.path()).toMillis();
        RedisBinary second = RedisBinary.extractBundled(dataDir.resolve("bin"));

        assertThat(first.path()).isEqualTo(dataDir.resolve("bin").resolve("redis-server"));
        assertThat(Files.isExecutable(first.path())).isTrue();
        assertThat(Files.getLastModifiedTime(second.path()).toMillis()).isEqualTo(modified);
        assertThat(first.version()).isEqualTo("7.0.15");
    }

    @Test
    void serverOnPathIsKeptAsFoundNotResolved() {
        // Debian's /usr/bin/redis-server is a symlink to redis-check-rdb, which reads argv[0].
        RedisBinary found = RedisBinary.locate("", dataDir);
        assertThat(found.path().getFileName().toString()).isEqualTo("redis-server");
        assertThat(found.version()).matches("\\d+\\.\\d+\\.\\d+");
    }
}
