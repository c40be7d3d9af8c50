package org.redtrove.guestagent.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.redtrove.common.Membership;
import org.redtrove.common.Wire;

/**
 * The on-disk home of one instance, {@code <data-dir>/instances/<uuid>/}: redis.conf, the included
 * replication.conf, instance.json, and what redis-server writes itself (pid, log, AOF and RDB files).
 * Files that hold the password are created 0600 and replaced by rename, so a crash never leaves a
 * half-written config for the next start. The directory is 0700 and redis-server runs with umask
 * 077 (see {@link RedisProcess}), so its AOF and RDB files are the service user's alone too.
 */
final class InstanceDirectory {

    static final String REDIS_CONF = "redis.conf";
    static final String REPLICATION_CONF = "replication.conf";
    static final String TENANT_CONF = "tenant.conf";
    static final String INSTANCE_JSON = "instance.json";
    static final String PID_FILE = "redis.pid";
    static final String LOG_FILE = "redis.log";
    static final String SNAPSHOT_FILE = "dump.rdb";

    /**
     * What the agent remembers about an instance beyond Redis's own files. An instance.json written
     * before memberships and fencing existed reads with {@code membership} null and
     * {@code holdRestart} false.
     *
     * @param syncedWith  "host:port" of the master this replica completed a sync with since it was last
     *                    attached, so a restarted agent still knows the replica holds a full copy
     * @param membership  the set and epoch of the last role change applied (Prepare, Follow, BecomeMaster)
     * @param holdRestart from the last ConfigureSource: while a master, a crashed redis-server is held
     *                    for the taskmanager instead of restarted
     * @param diskBudgetBytes from the last LimitDisk: the volume its data files are held to; null
     *                    for none yet
     */
    record InstanceRecord(UUID id, int port, long maxmemoryBytes, String syncedWith, Membership membership,
                          Boolean holdRestart, Long diskBudgetBytes) {

        /** Boxed because Jackson 3 refuses a missing primitive, and older files lack it; never null. */
        InstanceRecord {
            holdRestart = Boolean.TRUE.equals(holdRestart);
        }

        InstanceRecord withSyncedWith(String s) {
            return new InstanceRecord(id, port, maxmemoryBytes, s, membership, holdRestart, diskBudgetBytes);
        }

        InstanceRecord withMembership(Membership m) {
            return new InstanceRecord(id, port, maxmemoryBytes, syncedWith, m, holdRestart, diskBudgetBytes);
        }

        InstanceRecord withHoldRestart(boolean hold) {
            return new InstanceRecord(id, port, maxmemoryBytes, syncedWith, membership, hold, diskBudgetBytes);
        }

        InstanceRecord withMaxmemory(long bytes) {
            return new InstanceRecord(id, port, bytes, syncedWith, membership, holdRestart, diskBudgetBytes);
        }

        InstanceRecord withDiskBudget(long bytes) {
            return new InstanceRecord(id, port, maxmemoryBytes, syncedWith, membership, holdRestart, bytes);
        }
    }

    private static final Set<PosixFilePermission> PRIVATE_DIR =
            PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE =
            PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    InstanceDirectory(Path dir) {
        this.dir = dir;
    }

    Path path() {
        return dir;
    }

    Path redisConf() {
        return dir.resolve(REDIS_CONF);
    }

    /**
     * What the instance's data files take: everything in its directory but Redis's log (the AOF
     * and its manifest, RDB snapshots, a rewrite's or a sync's temporary files, the small configs).
     */
    long dataBytes() {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(logFile())).mapToLong(p -> {
                try {
                    return Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? Files.size(p) : 0;
                } catch (IOException gone) {
                    return 0; // renamed or removed by Redis meanwhile
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** Where BGSAVE writes (Redis's default dbfilename in the instance's dir). */
    Path snapshotFile() {
        return dir.resolve(SNAPSHOT_FILE);
    }

    Path logFile() {
        return dir.resolve(LOG_FILE);
    }

    boolean exists() {
        return Files.isRegularFile(dir.resolve(INSTANCE_JSON));
    }

    /**
     * The directory of a new instance. One left by an unfinished Prepare (no instance.json; a
     * restore's copy cut off, say) is removed first: it only ever held this instance's files.
     */
    void create(InstanceRecord record, String bindAddress, RedisUsers users, DataSeed seed) {
        try {
            Files.createDirectories(dir.getParent());
            if (Files.isDirectory(dir) && !exists()) {
                deleteAll();
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            seed.writeInto(dir);
            writePrivate(dir.resolve(REPLICATION_CONF), ReplicationSettings.NONE.render());
            writePrivate(redisConf(), redisConfText(record, bindAddress, users));
            // instance.json last: a directory without it is an unfinished Prepare and is not adopted.
            writeRecord(record);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the files of instance " + record.id(), e);
        }
    }

    private String redisConfText(InstanceRecord record, String bindAddress, RedisUsers users) {
        List<String> lines = new ArrayList<>(List.of(
                "# Written by the RedTrove guest agent when the instance was prepared.",
                "port " + record.port(),
                "bind " + bindAddress));
        // No requirepass: the tenant is Redis's default user, and replicas log in as the replication
        // user with masteruser/masterauth from replication.conf.
        lines.addAll(users.configLines());
        lines.addAll(List.of(
                "maxmemory " + record.maxmemoryBytes(),
                // A replica must hold exactly the master's data: evicting keys would silently diverge.
                "maxmemory-policy noeviction",
                "appendonly yes",
                // The AOF is the persistence; RDB save points on top would fork and write the whole
                // data set again every busy minute, competing with syncs and with the replicas.
                "save \"\"",
                "dir " + quotePath(dir),
                "pidfile " + quotePath(dir.resolve(PID_FILE)),
                "logfile " + quotePath(logFile()),
                "daemonize no",
                "repl-diskless-sync-delay 0",
                // Redis's 1 MB backlog is gone after a second of busy writes: a replica back from a
                // short outage, a failover, or a replication task that moves to another member
                // would then need a full resync. A quarter of the memory, 1 MB to 256 MB.
                "repl-backlog-size " + backlogBytes(record.maxmemoryBytes()),
                // Last, so the replication role and source settings override everything above.
                "include " + quotePath(dir.resolve(REPLICATION_CONF)),
                ""));
        return String.join("\n", lines);
    }

    /**
     * Gives redis.conf a new maxmemory and the backlog sized from it, the rest left as written:
     * what a restarted redis-server reads after a resize.
     */
    void rewriteMemoryLimits(long maxmemoryBytes) {
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(redisConf())) {
                if (line.startsWith("maxmemory ")) {
                    line = "maxmemory " + maxmemoryBytes;
                } else if (line.startsWith("repl-backlog-size ")) {
                    line = "repl-backlog-size " + backlogBytes(maxmemoryBytes);
                }
                lines.add(line);
            }
            writePrivate(redisConf(), String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not rewrite redis.conf of " + dir, e);
        }
    }

    /**
     * The tenant's parameters (a configuration group's), in tenant.conf, which redis.conf includes
     * just before the replication file: written first, so the include never names a missing file
     * (instances prepared before configuration groups get the include line added here).
     */
    void writeTenantConf(java.util.Map<String, String> values) {
        try {
            List<String> lines = new ArrayList<>(List.of("# The tenant's configuration group, written by the guest agent."));
            values.forEach((name, value) -> lines.add(name + " \"" + value + "\""));
            writePrivate(dir.resolve(TENANT_CONF), String.join("\n", lines) + "\n");
            String include = "include " + quotePath(dir.resolve(TENANT_CONF));
            List<String> conf = new ArrayList<>(Files.readAllLines(redisConf()));
            if (!conf.contains(include)) {
                String replication = "include " + quotePath(dir.resolve(REPLICATION_CONF));
                int at = conf.indexOf(replication);
                conf.add(at < 0 ? conf.size() : at, include);
                writePrivate(redisConf(), String.join("\n", conf) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the tenant configuration of " + dir, e);
        }
    }

    static long backlogBytes(long maxmemoryBytes) {
        return Math.max(1L << 20, Math.min(256L << 20, maxmemoryBytes / 4));
    }

    private static String quotePath(Path p) {
        return ReplicationSettings.ConfigText.quote(p.toAbsolutePath().normalize().toString());
    }

    InstanceRecord readRecord() {
        try {
            return Wire.fromJson(Files.readString(dir.resolve(INSTANCE_JSON)), InstanceRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeRecord(InstanceRecord record) {
        try {
            writePrivate(dir.resolve(INSTANCE_JSON), Wire.toJson(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Who may log in, from redis.conf: the one place the passwords are kept. */
    RedisUsers readUsers() {
        try {
            return RedisUsers.parse(Files.readAllLines(redisConf()).stream()
                    .map(ReplicationSettings.ConfigText::split).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces redis.conf's access lines (requirepass, masterauth, user) by {@code users}, where the
     * first of them was, and keeps every other line as it is: an instance created by an older agent
     * keeps its own settings.
     */
    void writeUsers(RedisUsers users) {
        try {
            List<String> out = new ArrayList<>();
            boolean placed = false;
            for (String line : Files.readAllLines(redisConf())) {
                List<String> words = ReplicationSettings.ConfigText.split(line);
                boolean access = !words.isEmpty()
                        && Set.of("requirepass", "masterauth", "masteruser", "user").contains(words.get(0));
                boolean include = !words.isEmpty() && words.get(0).equals("include");
                if ((access || include) && !placed) {
                    out.addAll(users.configLines());
                    placed = true;
                }
                if (!access) {
                    out.add(line);
                }
            }
            if (!placed) {
                out.addAll(users.configLines());
            }
            writePrivate(redisConf(), String.join("\n", out) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ReplicationSettings readReplication() {
        try {
            Path f = dir.resolve(REPLICATION_CONF);
            return Files.exists(f) ? ReplicationSettings.parse(Files.readString(f)) : ReplicationSettings.NONE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeReplication(ReplicationSettings settings) {
        try {
            writePrivate(dir.resolve(REPLICATION_CONF), settings.render());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes everything in the directory private: for instances created before their files were
     * (an agent upgrade), and for files a Redis started by an older agent created without umask.
     */
    void restrictToOwner() {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setPosixFilePermissions(p, Files.isDirectory(p) ? PRIVATE_DIR : PRIVATE_FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not restrict " + dir + " to its owner", e);
        }
    }

    /**
     * Redis removes its pid file when it shuts down cleanly; one left beside no running process means
     * it died (killed, crashed, or the host went down) while no agent was watching.
     */
    boolean pidFileLeftBehind() {
        return Files.exists(dir.resolve(PID_FILE));
    }

    OptionalLong readPid() {
        try {
            Path f = dir.resolve(PID_FILE);
            if (!Files.exists(f)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(Files.readString(f).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** redis.log, created private if missing: the agent opens it for Redis's stdout before Redis runs. */
    void createLogFile() throws IOException {
        if (!Files.exists(logFile())) {
            Files.createFile(logFile(), PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        }
    }

    /** The last lines of redis.log: what an operator needs to see when Redis will not start. */
    String logTail(int lines) {
        try {
            if (!Files.exists(logFile())) {
                return "";
            }
            List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(redis.log unreadable: " + e.getMessage() + ")";
        }
    }

    void deleteAll() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + dir, e);
        }
    }

    /** Write a private temp file beside the target and rename it over: readers see the old or the new file. */
    private static void writePrivate(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("concurrent write of " + target, e);
        }
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
