package org.redtrove.api.backups;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.fault.Unprocessable;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.instances.InstanceBackups;
import org.redtrove.api.jobs.JobWriter;
import org.redtrove.api.quotas.QuotaResource;
import org.redtrove.api.quotas.QuotaService;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Trove's backups (trove/backup/service.py and models.py): a create claims the instance, takes one
 * of the project's backups quota and queues the BACKUP job, in one transaction; a delete queues
 * DELETE_BACKUP. Backups are the project's: another project's are 404, as instances are.
 */
@Service
class BackupService {

    private final BackupRepository backups;
    private final InstanceBackups instances;
    private final CatalogRepository catalog;
    private final QuotaService quotas;
    private final JobWriter jobs;

    BackupService(BackupRepository backups, InstanceBackups instances, CatalogRepository catalog, QuotaService quotas,
                  JobWriter jobs) {
        this.backups = backups;
        this.instances = instances;
        this.catalog = catalog;
        this.quotas = quotas;
        this.jobs = jobs;
    }

    /** The body of {@code POST /backups}, checked as Trove's apischema checks it. */
    record CreateRequest(String name, String description, String instance) {

        static CreateRequest parse(JsonNode body) {
            JsonNode backup = body.get("backup");
            if (backup == null) {
                throw BadRequest.validation("'backup' is a required property");
            }
            if (!backup.isObject()) {
                throw BadRequest.validation("backup is not of type 'object'");
            }
            String name = string(backup, "name");
            if (name == null) {
                throw BadRequest.validation("backup 'name' is a required property");
            }
            if (name.isBlank()) {
                throw BadRequest.validation("backup['name'] '" + name + "' must not be empty");
            }
            if (name.length() > 255) {
                throw BadRequest.validation("backup['name'] is too long (at most 255 characters)");
            }
            if (backup.hasNonNull("restore_from")) {
                throw new BadRequest("Importing a backup from another location (restore_from) is not supported: "
                        + "RedTrove restores only the backups it took.");
            }
            JsonNode incremental = backup.get("incremental");
            if ((incremental != null && incremental.isNumber() && incremental.asInt() != 0)
                    || (incremental != null && incremental.isBoolean() && incremental.asBoolean())
                    || backup.hasNonNull("parent_id")) {
                throw new BadRequest("Incremental backups are not supported for datastore redis: every backup is a "
                        + "full snapshot.");
            }
            String instance = string(backup, "instance");
            if (instance == null) {
                throw BadRequest.validation("backup 'instance' is a required property");
            }
            return new CreateRequest(name, string(backup, "description"), instance);
        }

        private static String string(JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isString()) {
                throw BadRequest.validation("backup['" + field + "'] " + node + " is not of type 'string'");
            }
            return node.asString();
        }
    }

    @Transactional
    BackupRepository.Backup create(AuthContext auth, JsonNode body) {
        CreateRequest request = CreateRequest.parse(body);
        InstanceBackups.Claimed instance = instances.claim(auth, request.instance());
        quotas.reserve(instance.projectId(), Map.of(QuotaResource.BACKUPS, 1L));
        UUID id = UUID.randomUUID();
        backups.insert(id, instance.projectId(), request.name(), request.description(), instance.id(),
                instance.datastoreVersionId());
        jobs.queue(JobKind.BACKUP, instance.projectId(), instance.id(), JobParams.backup(id));
        return backups.find(id).orElseThrow();
    }

    /** The backup if the caller's project owns it (an admin sees every project's). */
    BackupRepository.Backup visible(AuthContext auth, String reference) {
        UUID id = CatalogRepository.parseUuid(reference);
        return (id == null ? java.util.Optional.<BackupRepository.Backup>empty() : backups.find(id))
                .filter(b -> auth.isAdmin() || b.projectId().equals(auth.projectId()))
                .orElseThrow(() -> NotFound.resource(reference));
    }

    /**
     * The project's backups, newest first; an admin may ask for every project's or one other's.
     *
     * @param datastore a datastore's name or id, or null
     */
    List<BackupRepository.Backup> list(AuthContext auth, String instanceReference, String datastore,
                                       boolean allProjects, String projectId) {
        String project = auth.projectId();
        if (auth.isAdmin() && (allProjects || projectId != null)) {
            project = projectId;
        }
        UUID instanceId = null;
        if (instanceReference != null) {
            // a filter, not a lookup: the backups of a deleted instance are listed too
            instanceId = CatalogRepository.parseUuid(instanceReference);
            if (instanceId == null) {
                return List.of();
            }
        }
        UUID datastoreId = null;
        if (datastore != null) {
            datastoreId = catalog.datastore(datastore)
                    .orElseThrow(() -> new NotFound("Datastore '" + datastore + "' cannot be found.")).id();
        }
        return backups.list(new BackupRepository.Filter(project, instanceId, datastoreId));
    }

    /** The instance's id if the caller may see it (a live one): 404 as every instance route. */
    UUID visibleInstance(AuthContext auth, String reference) {
        return instances.visible(auth, reference);
    }

    /** A backup that runs cannot be deleted (Trove's rule); a failed delete may be asked again. */
    @Transactional
    void delete(AuthContext auth, String reference) {
        BackupRepository.Backup backup = visible(auth, reference);
        backup = backups.findForUpdate(backup.id()).orElseThrow(() -> NotFound.resource(reference));
        if (backup.running()) {
            throw new Unprocessable("Backup " + backup.id() + " cannot be deleted while it is " + backup.status()
                    + ".");
        }
        jobs.queue(JobKind.DELETE_BACKUP, backup.projectId(), backup.instanceId(), JobParams.backup(backup.id()));
    }
}
