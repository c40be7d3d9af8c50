package org.redtrove.guestagent.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own files beside the instance directories, on the same file system: a restore's
 * data staged before it becomes an instance's, and scratch files (a backup's link to a snapshot).
 * Their names start with a dot, so none is ever taken for an instance; what a stopped agent left
 * of them is removed when the next one starts.
 */
final class AgentFiles {

    private static final Logger log = LoggerFactory.getLogger(AgentFiles.class);
    private static final String STAGING_PREFIX = ".restore-";
    private static final String SCRATCH_PREFIX = ".scratch-";

    private final Path instancesDir;

    AgentFiles(Path instancesDir) {
        this.instancesDir = instancesDir;
    }

    /** The instance directories, after removing what an earlier agent left of its own files. */
    List<Path> instanceDirsSweepingLeftovers() {
        try (Stream<Path> list = Files.list(instancesDir)) {
            List<Path> entries = list.sorted().toList();
            // a backup's link cut off by the agent's stop, or a restore's copy (its Prepare failed and is asked again)
            entries.stream().filter(AgentFiles::isOwn).forEach(AgentFiles::discard);
            return entries.stream().filter(p -> !isOwn(p) && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isOwn(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(STAGING_PREFIX) || name.startsWith(SCRATCH_PREFIX);
    }

    /** A file of the agent's own, for a hard link to an instance's file. */
    Path scratchFile(String name) {
        return instancesDir.resolve(SCRATCH_PREFIX + name);
    }

    /** A seed's files in a directory of their own, complete; removed again if writing them fails. */
    Path stage(UUID id, DataSeed seed) {
        Path staged = instancesDir.resolve(STAGING_PREFIX + id + "-" + UUID.randomUUID());
        try {
            Files.createDirectory(staged, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            seed.writeInto(staged);
            return staged;
        } catch (IOException e) {
            discard(staged);
            throw new GuestOperationException("could not restore the data of instance " + id + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            discard(staged);
            throw e;
        }
    }

    /** The seed that moves what was staged into the new instance's directory (a rename, so quick). */
    static DataSeed moveFrom(Path staged) {
        return dir -> {
            try (Stream<Path> entries = Files.list(staged)) {
                for (Path entry : entries.toList()) {
                    Files.move(entry, dir.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
        };
    }

    /** Removes a file or a tree of the agent's own; a failure is logged, not thrown. */
    static void discard(Path path) {
        try {
            new InstanceDirectory(path).deleteAll();
        } catch (UncheckedIOException e) {
            log.warn("could not remove {}: {}", path, e.getCause().toString());
        }
    }
}
