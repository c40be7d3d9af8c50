package org.redtrove.api.backups;

import java.util.UUID;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.identity.AuthContext;
import org.springframework.stereotype.Service;

/**
 * The check {@code POST /instances} makes of its {@code restorePoint}, with Trove's messages
 * (trove/instance/models.py, Instance.create): a completed backup of the project, of the same
 * datastore, that fits the new instance's volume.
 */
@Service
public class BackupRestores {

    private static final double GB = 1024.0 * 1024 * 1024;

    private final BackupRepository backups;

    BackupRestores(BackupRepository backups) {
        this.backups = backups;
    }

    /**
     * The backup a new instance may be restored from.
     *
     * @param diskGb the new instance's volume (or its flavor's disk) in GB
     */
    public UUID restorable(AuthContext auth, String reference, UUID datastoreVersionId, int diskGb) {
        UUID id = CatalogRepository.parseUuid(reference);
        BackupRepository.Backup backup = (id == null ? java.util.Optional.<BackupRepository.Backup>empty()
                : backups.find(id)).filter(b -> b.projectId().equals(auth.projectId()))
                .orElseThrow(() -> NotFound.resource(reference));
        if (!"COMPLETED".equals(backup.status())) {
            throw new BadRequest("Unable to create instance because backup " + backup.id()
                    + " is not completed. Actual state: " + backup.status() + ".");
        }
        if (!backup.datastoreVersionId().equals(datastoreVersionId)) {
            throw new BadRequest("The datastore version of backup " + backup.id() + ", " + backup.datastoreName()
                    + " " + backup.versionName() + ", does not match the destination datastore version.");
        }
        double sizeGb = backup.sizeBytes() / GB;
        if (diskGb > 0 && sizeGb > diskGb) {
            throw new BadRequest(String.format(java.util.Locale.ROOT, "Backup is too large for given flavor or "
                    + "volume. Backup size: %.2f GBs. Available size: %d GBs.", sizeGb, diskGb));
        }
        return backup.id();
    }
}
