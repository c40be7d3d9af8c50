package org.redtrove.common.backups;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where backups are kept: a guest agent writes a snapshot there and reads it back for a restore,
 * the taskmanager deletes it. Every process of a deployment must name the same store: a directory
 * they all mount ({@code redtrove.backups.dir}), or a bucket of S3-compatible object storage
 * ({@code redtrove.backups.store=s3}, {@link S3Settings}).
 */
public interface BackupStore {

    /**
     * Stores the file under the key, replacing an earlier object of that key only once the new one
     * is complete, and answers its size and checksum. The file must not change while it is read.
     */
    BackupFile write(String key, Path file) throws IOException;

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

    /**
     * The store a process's configuration names: {@code redtrove.backups.store} {@code directory}
     * (the default, at {@code redtrove.backups.dir}) or {@code s3} (at {@code redtrove.backups.s3.*}).
     *
     * @param property a configuration key's value, or null when it is not set
     */
    static BackupStore configured(Function<String, String> property) {
        String kind = property.apply("redtrove.backups.store");
        if (kind == null || kind.isBlank() || kind.equals("directory")) {
            String dir = property.apply("redtrove.backups.dir");
            DirectoryBackupStore store = new DirectoryBackupStore(Path.of(dir == null || dir.isBlank() ? "./backups" : dir));
            try {
                store.sweepStalePartials(java.time.Instant.now().minus(DirectoryBackupStore.STALE));
            } catch (IOException e) {
                // the store still works for what it can reach; its backups will say what it cannot
                System.getLogger(BackupStore.class.getName()).log(System.Logger.Level.WARNING,
                        "Could not look for unfinished backup files in " + dir + ": " + e.getMessage());
            }
            return store;
        }
        if (kind.equals("s3")) {
            return new S3BackupStore(S3Settings.from(property));
        }
        throw new IllegalArgumentException("redtrove.backups.store must be directory or s3, not " + kind);
    }

    /** A SHA-256 digest, which every JVM has. */
    static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
