package org.redtrove.taskmanager.backups;

import java.io.IOException;
import java.util.UUID;
import org.redtrove.common.JobKind;
import org.redtrove.common.backups.BackupStore;
import org.redtrove.taskmanager.jobs.Job;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobExecutor;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.springframework.stereotype.Component;

/**
 * Deletes a backup: its object in the store first, then the row, so a crash between the two
 * leaves a row whose delete can be asked again, never an object no row names. A failed delete
 * shows DELETE_FAILED, as in Trove.
 */
@Component
public class DeleteBackupExecutor implements JobExecutor {

    private final BackupRepository backups;
    private final BackupStore store;

    public DeleteBackupExecutor(BackupRepository backups, BackupStore store) {
        this.backups = backups;
        this.store = store;
    }

    @Override
    public JobKind kind() {
        return JobKind.DELETE_BACKUP;
    }

    @Override
    public void execute(JobContext context) {
        UUID id = context.job().params().backupId();
        BackupRepository.Backup backup = backups.find(id).orElse(null);
        if (backup == null || backup.deleted()) {
            return;
        }
        if (backup.file() != null) {
            try {
                store.delete(backup.file().key());
            } catch (IOException e) {
                throw new JobFailedException("The backup store could not delete " + backup.file().key() + ": "
                        + e.getMessage());
            }
        }
        backups.markDeleted(id);
    }

    @Override
    public void failed(Job job, String error) {
        backups.failed(job.params().backupId(), "DELETE_FAILED", error);
    }
}
