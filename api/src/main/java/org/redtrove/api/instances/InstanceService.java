package org.redtrove.api.instances;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.redtrove.api.backups.BackupRestores;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.configurations.ConfigurationService;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.Conflict;
import org.redtrove.api.fault.Forbidden;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.fault.Unprocessable;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.jobs.JobWriter;
import org.redtrove.api.quotas.QuotaResource;
import org.redtrove.api.quotas.QuotaService;
import org.redtrove.api.sets.ReplicaSetRepository;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.redtrove.common.Situation;
import org.redtrove.common.TaskStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The instance operations the API accepts. Each one checks, claims (sets the task status) and
 * queues its job in one transaction, with the rows it checks locked ({@code for update}), so two
 * concurrent requests can never both pass a "not busy" check. Sets are always locked source first,
 * then replicas in id order, so concurrent operations on one set cannot deadlock. A create takes
 * its project's quota lock last (QuotaService.reserve), so two creates cannot both fit the quota.
 */
@Service
class InstanceService {

    private static final char[] PASSWORD_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final int PASSWORD_LENGTH = 24;

    /** A created instance and, for a plain create, the password shown once in the answer. */
    record Created(UUID id, String password) {
    }

    private final InstanceRepository instances;
    private final ReplicaSetRepository sets;
    private final CatalogRepository catalog;
    private final JobWriter jobs;
    private final QuotaService quotas;
    private final ConfigurationService configurations;
    private final BackupRestores restores;
    private final SecureRandom random = new SecureRandom();

    InstanceService(InstanceRepository instances, ReplicaSetRepository sets, CatalogRepository catalog,
                    JobWriter jobs, QuotaService quotas, ConfigurationService configurations, BackupRestores restores) {
        this.configurations = configurations;
        this.restores = restores;
        this.instances = instances;
        this.sets = sets;
        this.catalog = catalog;
        this.jobs = jobs;
        this.quotas = quotas;
    }

    /** The instance if the caller may see it; unknown, malformed and other projects' ids are all 404. */
    InstanceRow visible(AuthContext auth, String id) {
        UUID uuid = CatalogRepository.parseUuid(id);
        return (uuid == null ? java.util.Optional.<InstanceRow>empty() : instances.find(uuid))
                .filter(row -> auth.isAdmin() || row.projectId().equals(auth.projectId()))
                .orElseThrow(() -> NotFound.resource(id));
    }

    /** Like {@link #visible} but only for the owning project (passwords, jobs). */
    InstanceRow owned(AuthContext auth, String id) {
        InstanceRow row = visible(auth, id);
        if (!row.projectId().equals(auth.projectId())) {
            throw NotFound.resource(id);
        }
        return row;
    }

    @Transactional
    Created create(AuthContext auth, CreateInstanceRequest request) {
        if (request.replicaOf() != null) {
            if (request.backupRef() != null) {
                throw new BadRequest("A replica takes its data from its source; it cannot be restored from a backup.");
            }
            return createReplicas(auth, request);
        }
        if (request.replicaCount() != null && request.replicaCount() > 1) {
            throw new BadRequest("Replica count only valid when creating replicas. Cannot create "
                    + request.replicaCount() + " instances.");
        }
        if (request.flavorRef() == null) {
            throw BadRequest.validation("instance 'flavorRef' is a required property");
        }
        CatalogRepository.Flavor flavor = catalog.flavor(request.flavorRef())
                .orElseThrow(() -> new NotFound("Flavor " + request.flavorRef() + " could not be found."));
        String datastoreName = request.datastoreType() == null ? "redis" : request.datastoreType();
        CatalogRepository.Datastore datastore = catalog.datastore(datastoreName)
                .orElseThrow(() -> new NotFound("Datastore '" + datastoreName + "' cannot be found."));
        CatalogRepository.DatastoreVersion version = datastoreVersion(datastore, request.datastoreVersion());
        UUID restoredFrom = request.backupRef() == null ? null : restores.restorable(auth, request.backupRef(),
                version.id(), request.volumeSize() != null ? request.volumeSize() : flavor.diskGb());
        quotas.reserve(auth.projectId(), Map.of(QuotaResource.INSTANCES, 1L, QuotaResource.RAM, (long) flavor.ramMb(),
                QuotaResource.VOLUMES, request.volumeSize() == null ? 0L : request.volumeSize()));

        String password = newPassword();
        UUID id = UUID.randomUUID();
        UUID set = sets.found(auth.projectId(), request.name(), id);
        instances.insert(new InstanceRepository.NewInstance(id, auth.projectId(), request.name(), flavor.id(),
                version.id(), password, request.volumeSize(), null, set));
        if (restoredFrom != null) {
            instances.setRestoredFrom(id, restoredFrom); // the create job puts its data in place
        }
        if (request.configuration() != null) {
            // the create job applies it once Redis runs (InstanceBuilder.prepare)
            instances.setConfiguration(set, configurations.attachable(auth, request.configuration(), version.id()));
        }
        jobs.queue(JobKind.CREATE, auth.projectId(), id, JobParams.none());
        return new Created(id, password);
    }

    /**
     * Replicas inherit the source's flavor, version, volume size and password; flavorRef, datastore
     * and volume in the request are ignored (legacy trove always sends flavorRef, contract D.10).
     */
    private Created createReplicas(AuthContext auth, CreateInstanceRequest request) {
        InstanceRow source = lockVisible(auth, request.replicaOf());
        int count = request.replicaCount() == null ? 1 : request.replicaCount();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add(count > 1 ? request.name() + "-" + i : request.name());
        }
        List<UUID> ids = attachReplicas(source, names);
        return new Created(ids.get(ids.size() - 1), null);
    }

    /**
     * For the environment provisioner: replicas of the instance until it has {@code wanted}, once it
     * is built and idle, checked and paid for as {@code replica_of} would. They are named
     * {@code <name>-r-<k>} with the lowest k no replica of it has. The source's lock serialises two
     * api processes topping up one instance, so they cannot both add the missing replicas.
     */
    @Transactional
    InstanceProvisioning.ReplicaProgress topUpReplicas(AuthContext auth, UUID id, int wanted) {
        InstanceRow source;
        try {
            source = lockVisible(auth, id.toString());
        } catch (NotFound e) {
            return InstanceProvisioning.ReplicaProgress.SOURCE_GONE;
        }
        if (!source.availableForAction()) {
            return InstanceProvisioning.ReplicaProgress.SOURCE_NOT_READY;
        }
        List<InstanceRow> replicas = instances.lockReplicas(source.id());
        if (replicas.size() >= wanted) {
            return InstanceProvisioning.ReplicaProgress.ENOUGH;
        }
        Set<String> taken = new HashSet<>();
        replicas.forEach(r -> taken.add(r.name()));
        List<String> names = new ArrayList<>();
        for (int k = 1; names.size() < wanted - replicas.size(); k++) {
            String name = source.name() + "-r-" + k;
            if (!taken.contains(name)) {
                names.add(name);
            }
        }
        attachReplicas(source, names);
        return InstanceProvisioning.ReplicaProgress.REQUESTED;
    }

    /** New replicas of a locked source with these names, and the one job that attaches them all. */
    private List<UUID> attachReplicas(InstanceRow source, List<String> names) {
        if (source.isReplica()) {
            throw new BadRequest("Cannot create a replica of a replica " + source.id() + ".");
        }
        requireAvailable(source);
        if (instances.reportsNoPersistence(source.id())) {
            // Without persistence a restarted source comes back empty and wipes every replica.
            throw new BadRequest("Replica source " + source.id() + " does not persist its data (appendonly and "
                    + "RDB snapshots are off); turn persistence on before attaching replicas.");
        }
        long count = names.size();
        int ramMb = catalog.flavor(Integer.toString(source.flavorId())).map(CatalogRepository.Flavor::ramMb).orElse(0);
        // the source's project pays for its replicas, whoever asked for them
        quotas.reserve(source.projectId(), Map.of(QuotaResource.INSTANCES, count,
                QuotaResource.REPLICAS, count, QuotaResource.RAM, count * ramMb,
                QuotaResource.VOLUMES, source.volumeSize() == null ? 0L : count * source.volumeSize()));
        List<UUID> ids = new ArrayList<>();
        for (String name : names) {
            UUID id = UUID.randomUUID();
            instances.insert(new InstanceRepository.NewInstance(id, source.projectId(), name, source.flavorId(),
                    source.datastoreVersionId(), source.password(), source.volumeSize(), source.id(),
                    source.replicaSetId()));
            ids.add(id);
        }
        instances.inheritConfiguration(source.id(), ids);
        jobs.queue(JobKind.ATTACH_REPLICAS, source.projectId(), source.id(), new JobParams(ids, null));
        return ids;
    }

    /** Deleting is allowed when nothing is in progress (an instance in an error task may be deleted). */
    @Transactional
    void delete(AuthContext auth, String id) {
        InstanceRow row = lockVisible(auth, id);
        if (row.provisioned()) {
            throw new Conflict("Can't remove provisioned instance '" + row.name() + "'");
        }
        if (row.hasTaskInProgress()) {
            throw Unprocessable.busy(row.id(), "task", row.taskStatus());
        }
        if (instances.hasReplicas(row.id())) {
            throw new Forbidden("Detach replicas before deleting replica source.");
        }
        instances.setTask(List.of(row.id()), TaskStatus.DELETING);
        jobs.queue(JobKind.DELETE, row.projectId(), row.id(), JobParams.none());
    }

    /** A configuration group to attach to the instance's set, or DETACH (reference null). */
    record ConfigurationChange(String reference) {
        static final ConfigurationChange DETACH = new ConfigurationChange(null);

        static ConfigurationChange attach(String reference) {
            return new ConfigurationChange(reference);
        }
    }

    /**
     * PUT/PATCH: a new name, a detach when the body names replica_of or slave_of, a configuration
     * group attached or detached. A provisioned instance keeps its name and its set (its name is
     * how the environment finds it at the next start); its configuration group may change.
     */
    @Transactional
    void update(AuthContext auth, String id, String newName, boolean detach, ConfigurationChange configuration) {
        InstanceRow row = lockVisible(auth, id);
        if (configuration != null && detach) {
            throw new BadRequest("The configuration group and a detach cannot be changed at the same time.");
        }
        if (row.provisioned() && (newName != null || detach || configuration == null)) {
            throw new Conflict("Can't update provisioned instance '" + row.name() + "'");
        }
        if (configuration != null) {
            configure(auth, row, configuration);
        }
        if (detach) {
            if (!row.isReplica()) {
                throw new BadRequest("Instance " + row.id() + " is not a replica.");
            }
            requireAvailable(row);
        }
        if (newName != null) {
            instances.rename(row.id(), newName);
        }
        if (detach) {
            instances.setTask(List.of(row.id()), TaskStatus.DETACHING);
            jobs.queue(JobKind.DETACH, row.projectId(), row.id(), JobParams.none());
        }
    }

    /**
     * Attaches a group to the instance's whole set (its members always share one), or detaches it;
     * a CONFIGURE job brings every member to the group's values, or back to Redis's defaults.
     * Detaching an instance that has no group does nothing.
     */
    private void configure(AuthContext auth, InstanceRow row, ConfigurationChange change) {
        UUID group = null;
        if (change.reference() != null) {
            requireAvailable(row);
            group = configurations.attachable(auth, change.reference(), row.datastoreVersionId());
        } else if (row.configurationId() == null) {
            return;
        }
        if (row.replicaSetId() != null) {
            instances.setConfiguration(row.replicaSetId(), group);
        }
        jobs.queue(JobKind.CONFIGURE, row.projectId(), row.id(), JobParams.none());
    }

    /** Planned switchover to the given replica: the whole set shows PROMOTE until the job ends. */
    @Transactional
    void promote(AuthContext auth, String id) {
        promoteLocked(lockVisible(auth, id));
    }

    /** An operator's switchover to this replica (a host being drained), whoever's project it is in. */
    @Transactional
    void promote(UUID candidateId) {
        InstanceRow row = instances.find(candidateId).orElseThrow(() -> NotFound.resource(candidateId.toString()));
        if (row.replicaSetId() != null) {
            sets.lock(row.replicaSetId());
        }
        promoteLocked(instances.findForUpdate(candidateId)
                .orElseThrow(() -> NotFound.resource(candidateId.toString())));
    }

    private void promoteLocked(InstanceRow candidate) {
        if (!candidate.isReplica()) {
            throw new BadRequest("Instance " + candidate.id() + " is not a replica.");
        }
        InstanceRow source = instances.findForUpdate(candidate.replicaOf())
                .orElseThrow(() -> NotFound.resource(candidate.replicaOf().toString()));
        List<InstanceRow> replicas = instances.lockReplicas(source.id());
        if (replicas.stream().noneMatch(r -> r.id().equals(candidate.id()))) {
            // detached or promoted between the first read and the locks
            throw new BadRequest("Instance " + candidate.id() + " is not a replica.");
        }
        requireAvailable(source);
        replicas.forEach(InstanceService::requireAvailable);
        List<UUID> members = new ArrayList<>();
        members.add(source.id());
        replicas.forEach(r -> members.add(r.id()));
        instances.setTask(members, TaskStatus.PROMOTING);
        jobs.queue(JobKind.PROMOTE, source.projectId(), candidate.id(), new JobParams(List.of(), source.id()));
    }

    /**
     * Unplanned failover away from a source that has no current heartbeat. A source in an error task
     * (a failed promote, say) may still be ejected; only a task in progress blocks it.
     */
    @Transactional
    void eject(AuthContext auth, String id) {
        InstanceRow source = lockVisible(auth, id);
        List<InstanceRow> replicas = instances.lockReplicas(source.id());
        if (replicas.isEmpty()) {
            throw new BadRequest("Instance " + source.id() + " is not a replica source.");
        }
        // The taskmanager's failure analysis decides whether the master failed (DESIGN.md decision 12).
        Situation situation = sets.find(source.replicaSetId()).map(s -> situation(s.situation()))
                .orElse(Situation.HEALTHY);
        if (!situation.masterFailed()) {
            throw new BadRequest("Replica Source " + source.id() + " cannot be ejected as it has a current heartbeat"
                    + " (the set's analysis: " + situation + ").");
        }
        if (source.hasTaskInProgress()) {
            throw Unprocessable.busy(source.id(), "task", source.taskStatus());
        }
        for (InstanceRow replica : replicas) {
            if (replica.hasTaskInProgress()) {
                throw Unprocessable.busy(replica.id(), "task", replica.taskStatus());
            }
        }
        List<UUID> members = new ArrayList<>();
        members.add(source.id());
        replicas.forEach(r -> members.add(r.id()));
        instances.setTask(members, TaskStatus.EJECTING);
        jobs.queue(JobKind.EJECT, source.projectId(), source.id(), JobParams.none());
    }

    /**
     * Trove's resize, to a new flavor or a larger volume, for the whole set the instance belongs to
     * (a replica must never be smaller than its master): every member must be available, and the
     * project's quota must hold the difference. The members show RESIZE until the job ends.
     */
    @Transactional
    void resize(AuthContext auth, String id, ResizeRequest request) {
        InstanceRow row = lockVisible(auth, id);
        List<InstanceRow> members = row.replicaSetId() == null ? List.of(row) : instances.lockMembers(row.replicaSetId());
        members.forEach(InstanceService::requireAvailable);
        Integer flavorId = null;
        Integer volumeSize = null;
        Map<QuotaResource, Long> deltas;
        if (request.flavorRef() != null) {
            CatalogRepository.Flavor flavor = catalog.flavor(request.flavorRef())
                    .orElseThrow(() -> new NotFound("Flavor " + request.flavorRef() + " could not be found."));
            if (flavor.id() == row.flavorId()) {
                throw new BadRequest("The new flavor id must be different than the current flavor id of '"
                        + row.flavorId() + "'.");
            }
            int oldRam = catalog.flavor(Integer.toString(row.flavorId())).map(CatalogRepository.Flavor::ramMb).orElse(0);
            flavorId = flavor.id();
            deltas = Map.of(QuotaResource.RAM, (long) (flavor.ramMb() - oldRam) * members.size());
        } else {
            int current = row.volumeSize() != null ? row.volumeSize() : row.flavorDiskGb();
            if (request.volumeSize() <= current) {
                throw new BadRequest("The new volume 'size' must be larger than the current volume size of '"
                        + current + "'.");
            }
            volumeSize = request.volumeSize();
            deltas = Map.of(QuotaResource.VOLUMES, (long) (request.volumeSize() - current) * members.size());
        }
        quotas.reserve(row.projectId(), deltas);
        instances.setTask(members.stream().map(InstanceRow::id).toList(), TaskStatus.RESIZING);
        jobs.queue(JobKind.RESIZE, row.projectId(), row.id(),
                JobParams.resize(new JobParams.Resize(flavorId, volumeSize)));
    }

    /** The instance locked (its set first) and available for an action, as every action requires. */
    InstanceRow lockForAction(AuthContext auth, String id) {
        InstanceRow row = lockVisible(auth, id);
        requireAvailable(row);
        return row;
    }

    /** Trove's restart: the instance's redis-server, through its guest; REBOOT until it answers again. */
    @Transactional
    void restart(AuthContext auth, String id) {
        InstanceRow row = lockVisible(auth, id);
        requireAvailable(row);
        instances.setTask(List.of(row.id()), TaskStatus.REBOOTING);
        jobs.queue(JobKind.RESTART, row.projectId(), row.id(), JobParams.none());
    }

    /**
     * The instance, locked, after the row of its replica set: every request that may change a set
     * takes the set's lock first, as the taskmanager's failover does, so the two are serialised.
     */
    private InstanceRow lockVisible(AuthContext auth, String id) {
        InstanceRow row = visible(auth, id);
        if (row.replicaSetId() != null) {
            sets.lock(row.replicaSetId());
        }
        return instances.findForUpdate(row.id()).orElseThrow(() -> NotFound.resource(id));
    }

    private static Situation situation(String name) {
        try {
            return Situation.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Situation.HEALTHY; // a name a newer taskmanager wrote: judge nothing from it
        }
    }

    private CatalogRepository.DatastoreVersion datastoreVersion(CatalogRepository.Datastore datastore,
                                                                String requested) {
        if (requested == null) {
            if (datastore.defaultVersionId() == null) {
                throw new NotFound("Default version for datastore '" + datastore.name() + "' not found.");
            }
            return catalog.version(datastore.defaultVersionId()).filter(CatalogRepository.DatastoreVersion::active)
                    .orElseThrow(() -> new NotFound("Default version for datastore '" + datastore.name()
                            + "' not found."));
        }
        return catalog.version(datastore.id(), requested).filter(CatalogRepository.DatastoreVersion::active)
                .orElseThrow(() -> new NotFound("Datastore version '" + requested + "' cannot be found."));
    }

    /** Trove's validate_can_perform_action, with its message. */
    private static void requireAvailable(InstanceRow row) {
        if (!TaskStatus.NONE.name().equals(row.taskStatus())) {
            throw Unprocessable.busy(row.id(), "task", row.taskStatus());
        }
        if (!row.availableForAction()) {
            throw Unprocessable.busy(row.id(), "instance", InstanceStatus.status(row.taskStatus(), row.serverStatus()));
        }
    }

    private String newPassword() {
        char[] chars = new char[PASSWORD_LENGTH];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = PASSWORD_ALPHABET[random.nextInt(PASSWORD_ALPHABET.length)];
        }
        return new String(chars);
    }
}
