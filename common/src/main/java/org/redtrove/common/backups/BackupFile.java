package org.redtrove.common.backups;

/**
 * One backup's data in the backup store: where it is, how big it is and its SHA-256, which a
 * restore checks before Redis reads a byte of it.
 *
 * @param key       the object's name in the store ({@code <backup id>.rdb})
 * @param sizeBytes the RDB file's length
 * @param sha256    lowercase hex
 */
public record BackupFile(String key, long sizeBytes, String sha256) {
}
