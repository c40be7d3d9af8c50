package org.redtrove.common.backups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory store on a real directory: what a crashed write leaves, and who removes it. */
class DirectoryBackupStoreTest {

    @TempDir
    Path dir;

    @Test
    void theNextProcessRemovesPartialFilesOfWritesThatDiedAndLeavesEverythingElse() throws Exception {
        Path store = dir.resolve("backups");
        Path source = dir.resolve("dump.rdb");
        Files.writeString(source, "REDIS0011 data");
        BackupFile written = BackupStore.inDirectory(store).write("b1.rdb", source);
        assertThat(written.sizeBytes()).isEqualTo(14);

        Path dead = store.resolve(".b2.rdb.0b3f2a7e-5c1d-4e8f-9a6b-2d4c6e8f0a1b.partial");
        Path writing = store.resolve(".b3.rdb.1c4e3b8f-6d2e-4f9a-8b7c-3e5d7f9a1b2c.partial");
        Path other = store.resolve("notes.partial");
        for (Path p : new Path[] {dead, writing, other}) {
            Files.writeString(p, "half");
        }
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        Files.setLastModifiedTime(dead, FileTime.from(twoHoursAgo));
        Files.setLastModifiedTime(other, FileTime.from(twoHoursAgo));

        BackupStore reopened = BackupStore.configured(key -> switch (key) {
            case "redtrove.backups.dir" -> store.toString();
            default -> null;
        });

        assertThat(dead).as("a write that stopped two hours ago").doesNotExist();
        assertThat(writing).as("a write still going on").exists();
        assertThat(other).as("not a partial file of ours").exists();
        try (var in = reopened.open("b1.rdb")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("REDIS0011 data");
        }
    }

    @Test
    void aStoreWhoseDirectoryDoesNotExistYetOpensAndSweepsNothing() throws Exception {
        DirectoryBackupStore store = new DirectoryBackupStore(dir.resolve("not-yet"));
        assertThat(store.sweepStalePartials(Instant.now())).isZero();
    }
}
