package org.redtrove.taskmanager.backups;

import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.backups.BackupFile;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The backup rows the taskmanager's jobs move through Trove's statuses. */
@Repository
public class BackupRepository {

    /** What a job needs of one backup. */
    public record Backup(UUID id, UUID instanceId, String status, BackupFile file, boolean deleted) {
    }

    private final JdbcClient jdbc;

    BackupRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Backup> find(UUID id) {
        return jdbc.sql("select id, instance_id, status, store_key, size_bytes, checksum, deleted from backups where id = ?")
                .param(id).query((rs, n) -> new Backup(rs.getObject("id", UUID.class),
                        rs.getObject("instance_id", UUID.class), rs.getString("status"),
                        rs.getString("store_key") == null ? null : new BackupFile(rs.getString("store_key"),
                                rs.getLong("size_bytes"), rs.getString("checksum")),
                        rs.getBoolean("deleted"))).optional();
    }

    /** The completed backup a new instance is restored from, if its row names one. */
    public Optional<BackupFile> restoreOf(UUID instanceId) {
        return jdbc.sql("""
                        select b.store_key, b.size_bytes, b.checksum from instances i join backups b on b.id = i.restored_from
                         where i.id = ? and b.status = 'COMPLETED'""")
                .param(instanceId).query((rs, n) -> new BackupFile(rs.getString("store_key"), rs.getLong("size_bytes"),
                        rs.getString("checksum"))).optional();
    }

    /** True when the instance's row names a backup to restore (completed or not). */
    public boolean restores(UUID instanceId) {
        return jdbc.sql("select restored_from is not null from instances where id = ?").param(instanceId)
                .query(Boolean.class).optional().orElse(false);
    }

    public void building(UUID id, UUID sourceId) {
        jdbc.sql("""
                        update backups set status = 'BUILDING', source_instance_id = :source, updated_at = now()
                         where id = :id and not deleted""")
                .param("id", id).param("source", sourceId).update();
    }

    public void completed(UUID id, BackupFile file, String location) {
        jdbc.sql("""
                        update backups set status = 'COMPLETED', store_key = :key, size_bytes = :size,
                               checksum = :checksum, location = :location, fail_reason = null, updated_at = now()
                         where id = :id""")
                .param("id", id).param("key", file.key()).param("size", file.sizeBytes())
                .param("checksum", file.sha256()).param("location", location).update();
    }

    /** The object a backup job may have left, so that deleting the backup removes it too. */
    public void storeKey(UUID id, String key) {
        jdbc.sql("update backups set store_key = :key, updated_at = now() where id = :id")
                .param("id", id).param("key", key).update();
    }

    public void failed(UUID id, String status, String reason) {
        jdbc.sql("update backups set status = :status, fail_reason = :reason, updated_at = now() where id = :id")
                .param("id", id).param("status", status).param("reason", reason).update();
    }

    public void markDeleted(UUID id) {
        jdbc.sql("update backups set deleted = true, deleted_at = now(), updated_at = now() where id = ?")
                .param(id).update();
    }
}
