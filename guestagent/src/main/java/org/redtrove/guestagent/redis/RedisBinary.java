package org.redtrove.guestagent.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The redis-server binary the agent runs. The path is kept exactly as found and never resolved:
 * Debian's /usr/bin/redis-server is a symlink to redis-check-rdb, and that binary chooses what to be
 * from argv[0], so running the symlink's target would start the RDB checker instead of a server.
 */
public record RedisBinary(Path path) {

    /** The linux-amd64 build bundled in org.signal:embedded-redis, used when no redis-server is installed. */
    static final String BUNDLED_RESOURCE = "redis-server-7.0.15-linux-amd64";

    private static final Pattern VERSION = Pattern.compile("v=(\\S+)");

    /**
     * @param configured a path, a command name to look up on PATH, or blank for "redis-server on PATH,
     *                   else the bundled build extracted under dataDir/bin"
     */
    public static RedisBinary locate(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            if (configured.contains("/")) {
                return new RedisBinary(Path.of(configured));
            }
            return onPath(configured).orElseThrow(
                    () -> new IllegalStateException(configured + " not found on PATH"));
        }
        return onPath("redis-server").orElseGet(() -> extractBundled(dataDir.resolve("bin")));
    }

    private static java.util.Optional<RedisBinary> onPath(String name) {
        String pathVar = System.getenv("PATH");
        if (pathVar == null) {
            return java.util.Optional.empty();
        }
        for (String dir : pathVar.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(name); // not toRealPath(): see the class comment
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return java.util.Optional.of(new RedisBinary(candidate));
            }
        }
        return java.util.Optional.empty();
    }

    static RedisBinary extractBundled(Path binDir) {
        Path target = binDir.resolve("redis-server");
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on PATH and no bundled " + BUNDLED_RESOURCE);
            }
            byte[] bytes = in.readAllBytes();
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                return new RedisBinary(target);
            }
            Files.createDirectories(binDir);
            Path tmp = Files.createTempFile(binDir, "redis-server", ".tmp");
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            // A running agent may execute the old file: replace it by rename, never rewrite it in place.
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new RedisBinary(target);
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract the bundled redis-server", e);
        }
    }

    /** The server version, e.g. "7.0.15", from {@code redis-server --version}. */
    public String version() {
        try {
            Process p = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = VERSION.matcher(out);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
