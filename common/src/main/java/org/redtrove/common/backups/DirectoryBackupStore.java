package org.redtrove.common.backups;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Backups as files of one directory, readable by their owner only: tenants' data is in them. A
 * write goes to a hidden partial file, is flushed to disk and then renamed, so a crash leaves
 * either the old object or the new one, never half of one; the partial file a crash leaves behind
 * is removed by the next process that opens the store once it has not been written for an hour
 * ({@link #sweepStalePartials}).
 */
final class DirectoryBackupStore implements BackupStore {

    /** Keys are names RedTrove makes; anything with a path in it is refused. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    /** A write's partial file: {@code .<key>.<uuid>.partial}. */
    private static final Pattern PARTIAL = Pattern.compile("\\.[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.[0-9a-f-]{36}\\.partial");
    /** A partial file not written for this long belongs to a write that will never finish. */
    static final java.time.Duration STALE = java.time.Duration.ofHours(1);

    private final Path dir;

    DirectoryBackupStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public BackupFile write(String key, Path file) throws IOException {
        Path target = path(key);
        ensureDirectory();
        // a name of this write's own: a repeated request may write the same key at the same time
        Path partial = dir.resolve("." + key + "." + java.util.UUID.randomUUID() + ".partial");
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        MessageDigest sha256 = BackupStore.sha256();
        long size;
        try (InputStream data = Files.newInputStream(file);
             FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE);
             OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), sha256)) {
            size = data.transferTo(out);
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new BackupFile(key, size, HexFormat.of().formatHex(sha256.digest()));
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(path(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    @Override
    public String location(String key) {
        return path(key).toUri().toString();
    }

    /**
     * Removes the partial files of writes that ended without finishing (their process died): those
     * not modified since {@code before}. A write in progress modifies its file all along, so it is
     * never taken for one. The store's directory may not exist yet.
     *
     * @return the partial files removed
     */
    int sweepStalePartials(java.time.Instant before) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (PARTIAL.matcher(p.getFileName().toString()).matches()
                        && Files.getLastModifiedTime(p).toInstant().isBefore(before) && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private Path path(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a backup key: " + key);
        }
        return dir.resolve(key);
    }

    private void ensureDirectory() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process made it first
            }
        }
    }
}
