package org.redtrove.common.backups;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where backups are kept: a guest agent writes a snapshot there and reads it back for a restore,
 * the taskmanager deletes it. Every process of a deployment must name the same store
 * ({@code redtrove.backups.dir}); on several hosts that is a directory they all mount.
 */
public interface BackupStore {

    /**
     * Stores the data under the key, replacing an earlier object of that key only once the new one
     * is complete, and answers its size and checksum.
     */
    BackupFile write(String key, InputStream data) throws IOException;

    /** The object's data; {@link java.nio.file.NoSuchFileException} when the store has none of that key. */
    InputStream open(String key) throws IOException;

    /** Removes the object; a key the store does not hold is no error. */
    void delete(String key) throws IOException;

    /** The address of the object, for Trove's {@code locationRef}. */
    String location(String key);

    /** The local directory store. */
    static BackupStore inDirectory(Path dir) {
        return new DirectoryBackupStore(dir);
    }
}
