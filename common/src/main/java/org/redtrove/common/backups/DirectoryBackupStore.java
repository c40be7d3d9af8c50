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
 * either the old object or the new one, never half of one.
 */
final class DirectoryBackupStore implements BackupStore {

    /** Keys are names RedTrove makes; anything with a path in it is refused. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

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
