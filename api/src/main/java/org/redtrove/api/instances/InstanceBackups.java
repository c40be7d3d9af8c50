package org.redtrove.api.instances;

import java.util.List;
import java.util.UUID;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.common.TaskStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the backups API ({@code org.redtrove.api.backups}) may do to instances: see one, and claim
 * one for a backup (locked, checked available as any action is, and BACKUP until the job ends).
 */
@Service
public class InstanceBackups {

    /** The instance a backup is of. */
    public record Claimed(UUID id, String projectId, UUID datastoreVersionId) {
    }

    private final InstanceService service;
    private final InstanceRepository instances;

    InstanceBackups(InstanceService service, InstanceRepository instances) {
        this.service = service;
        this.instances = instances;
    }

    /** The instance's id if the caller may see it; 404 as every instance route. */
    public UUID visible(AuthContext auth, String reference) {
        return service.visible(auth, reference).id();
    }

    /** Locks the instance (its set's row first), requires it available, and sets BACKING_UP. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Claimed claim(AuthContext auth, String reference) {
        InstanceRow row = service.lockForAction(auth, reference);
        instances.setTask(List.of(row.id()), TaskStatus.BACKING_UP);
        return new Claimed(row.id(), row.projectId(), row.datastoreVersionId());
    }
}
