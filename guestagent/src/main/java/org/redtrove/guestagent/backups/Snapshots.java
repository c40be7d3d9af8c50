package org.redtrove.guestagent.backups;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.redtrove.common.backups.BackupFile;
import org.redtrove.common.backups.BackupStore;
import org.redtrove.guestagent.redis.GuestOperationException;
import org.redtrove.guestagent.redis.InfoReplication;
import org.redtrove.guestagent.redis.DataSeed;
import org.redtrove.guestagent.redis.RedisHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Backups on this host: a snapshot of an instance written to the backup store, and the data a
 * restored instance starts with.
 *
 * <p>A snapshot is Redis's own BGSAVE, run as the agent's user: a forked child writes the data set
 * as it was at the fork, while the instance goes on serving. Once Redis reports the save done, the
 * RDB file is copied to the store (its checksum computed on the way). A restore puts that RDB file
 * in the new instance's directory as the base of its append-only file, with a manifest naming it,
 * exactly as Redis 7 lays out an AOF whose base is an RDB preamble; redis-server then loads it at
 * its first start and appends to it from there.
 */
public final class Snapshots {

    private static final Logger log = LoggerFactory.getLogger(Snapshots.class);

    /** Redis 7's defaults for appenddirname and appendfilename, which redis.conf leaves as they are. */
    static final String AOF_DIR = "appendonlydir";
    static final String AOF_BASE = "appendonly.aof.1.base.rdb";
    static final String AOF_MANIFEST = "appendonly.aof.manifest";

    private static final long POLL_MILLIS = 100;

    private final RedisHost redis;
    private final BackupStore store;
    private final Duration saveTimeout;

    public Snapshots(RedisHost redis, BackupStore store, Duration saveTimeout) {
        this.redis = redis;
        this.store = store;
        this.saveTimeout = saveTimeout;
    }

    /** BGSAVE, wait for it, and copy the file to the store under the key. */
    public BackupFile backup(UUID instanceId, String key) {
        RedisHost.LocalLogin login = redis.login(instanceId)
                .orElseThrow(() -> new GuestOperationException("no instance " + instanceId + " on this host"));
        Path file = redis.snapshotFile(instanceId).orElseThrow();
        long started = System.nanoTime();
        try (Jedis jedis = login.open()) {
            save(jedis, instanceId);
        } catch (redis.clients.jedis.exceptions.JedisException e) {
            throw new GuestOperationException("instance " + instanceId + " could not take a snapshot: "
                    + e.getMessage(), e);
        }
        // A second name for the file Redis just wrote: a later save (a replica's full sync, say)
        // renames a new file over dump.rdb, and the copy must be of this one.
        Path frozen = redis.scratchFile("backup-" + key + "-" + UUID.randomUUID());
        try {
            Files.createLink(frozen, file);
            BackupFile stored = store.write(key, frozen);
            log.info("instance {}: snapshot of {} bytes stored as {} in {} ms", instanceId, stored.sizeBytes(), key,
                    (System.nanoTime() - started) / 1_000_000);
            return stored;
        } catch (IOException e) {
            throw new GuestOperationException("the snapshot of instance " + instanceId
                    + " could not be written to the backup store: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(frozen);
            } catch (IOException e) {
                log.warn("could not remove {}: {}", frozen, e.toString());
            }
        }
    }

    /**
     * Starts a BGSAVE (scheduled after an AOF rewrite that runs; after a save that runs already,
     * another one) and waits until Redis has finished it. Redis runs one save at a time, so the
     * save count going up with none in progress means ours is done.
     */
    private void save(Jedis jedis, UUID instanceId) {
        long deadline = System.nanoTime() + saveTimeout.toNanos();
        long before = savesDone(jedis);
        while (true) {
            try {
                jedis.sendCommand(Protocol.Command.BGSAVE, "SCHEDULE");
                break;
            } catch (JedisDataException e) {
                if (!String.valueOf(e.getMessage()).contains("already in progress")) {
                    throw e;
                }
                before = Math.max(before, savesDone(jedis) + 1); // that one's data is older than the request
                pause(deadline, instanceId);
            }
        }
        while (true) {
            Map<String, String> persistence = InfoReplication.fields(jedis.info("persistence"));
            boolean inProgress = "1".equals(persistence.get("rdb_bgsave_in_progress"));
            long saves = Long.parseLong(persistence.getOrDefault("rdb_saves", "0"));
            if (!inProgress && saves > before) {
                if (!"ok".equals(persistence.get("rdb_last_bgsave_status"))) {
                    throw new GuestOperationException("instance " + instanceId + ": Redis could not write its "
                            + "snapshot (rdb_last_bgsave_status " + persistence.get("rdb_last_bgsave_status")
                            + "); see the instance's redis.log");
                }
                return;
            }
            pause(deadline, instanceId);
        }
    }

    private static long savesDone(Jedis jedis) {
        return Long.parseLong(InfoReplication.fields(jedis.info("persistence")).getOrDefault("rdb_saves", "0"));
    }

    private void pause(long deadline, UUID instanceId) {
        if (System.nanoTime() > deadline) {
            throw new GuestOperationException("instance " + instanceId + ": the snapshot did not finish within "
                    + saveTimeout.toSeconds() + " s");
        }
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestOperationException("interrupted while instance " + instanceId + " took a snapshot");
        }
    }

    /**
     * What a restored instance starts with: the backup's RDB file as the base of its AOF. The copy
     * is checked against the backup's size and checksum before the manifest that makes Redis read
     * it is written.
     */
    public DataSeed seed(BackupFile backup) {
        return instanceDir -> {
            Path aofDir = instanceDir.resolve(AOF_DIR);
            Files.createDirectory(aofDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path base = aofDir.resolve(AOF_BASE);
            MessageDigest sha256 = BackupStore.sha256();
            long size;
            try (InputStream in = new DigestInputStream(store.open(backup.key()), sha256);
                 OutputStream out = Files.newOutputStream(base)) {
                size = in.transferTo(out);
            } catch (NoSuchFileException e) {
                throw new GuestOperationException("backup " + backup.key() + " is not in the backup store");
            }
            String checksum = HexFormat.of().formatHex(sha256.digest());
            if (size != backup.sizeBytes() || !checksum.equals(backup.sha256())) {
                throw new GuestOperationException("backup " + backup.key() + " is damaged: " + size + " bytes with "
                        + "SHA-256 " + checksum + ", where " + backup.sizeBytes() + " bytes with " + backup.sha256()
                        + " were stored");
            }
            Files.writeString(aofDir.resolve(AOF_MANIFEST), "file " + AOF_BASE + " seq 1 type b\n");
            log.info("restored backup {} ({} bytes) into {}", backup.key(), size, instanceDir.getFileName());
        };
    }
}
