package org.redtrove.api.replications;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The replication task operations, for the API and for a provisioner that creates tasks from the
 * environment ({@link #upsertProvisioned}). Each write checks and changes one row in a transaction,
 * with the row locked, so a concurrent PUT and DELETE cannot interleave; the unique (project, name)
 * constraint settles two creates of one name. A provisioned task belongs to its provisioner: the
 * API may change its mode but not its settings, nor remove it.
 *
 * <p>Passwords: a new dst_password is sealed before it reaches the row. On a replace, an absent
 * password or the mask {@code ***} keeps the stored one only while dst_host stays the same, so a
 * password is never sent to a host it was not given for; an empty one clears it.
 */
@Service
public class ReplicationTaskService {

    private static final Logger log = LoggerFactory.getLogger(ReplicationTaskService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final ReplicationTaskRepository tasks;
    private final ReplicationPasswords passwords;

    ReplicationTaskService(ReplicationTaskRepository tasks, ReplicationPasswords passwords) {
        this.tasks = tasks;
        this.passwords = passwords;
    }

    public List<ReplicationTask> list(String projectId) {
        return tasks.list(projectId);
    }

    /** The project's task of that name; a name of another project's task is unknown here. */
    public ReplicationTask find(String projectId, String name) {
        requireValidName(name);
        return tasks.find(projectId, name).orElseThrow(() -> ReplicationRefusals.unknown(name));
    }

    @Transactional
    public ReplicationTask create(String projectId, String name, ReplicationSettings settings, boolean provisioned) {
        requireValidName(name);
        if (tasks.find(projectId, name).isPresent()) {
            throw ReplicationRefusals.alreadyExists(name);
        }
        ReplicationTaskRepository.Stored stored = resolve(projectId, name, settings);
        if (settings.dstPassword() != null && settings.dstPassword().equals(ReplicationSettings.MASK)) {
            throw ReplicationRefusals.maskWithoutStoredPassword();
        }
        try {
            tasks.insert(UUID.randomUUID(), projectId, name, stored, seal(settings), provisioned);
        } catch (DuplicateKeyException e) {
            throw ReplicationRefusals.alreadyExists(name); // created meanwhile by a concurrent request
        }
        log.info("Replication '{}' of project {} created: {}", name, projectId, describe(stored));
        return find(projectId, name);
    }

    /** PUT: new settings for a task the API owns; its mode is the one in the settings. */
    @Transactional
    public ReplicationTask replace(String projectId, String name, ReplicationSettings settings) {
        ReplicationTask task = lock(projectId, name);
        if (task.provisioned()) {
            throw ReplicationRefusals.provisionedUpdate(name);
        }
        write(task, settings, false);
        return find(projectId, name);
    }

    /** PATCH .../mode: allowed on provisioned tasks too (pausing one is an operator's call). */
    @Transactional
    public ReplicationTask setMode(String projectId, String name, ReplicationMode mode) {
        ReplicationTask task = lock(projectId, name);
        tasks.updateMode(task.id(), mode);
        log.info("Replication '{}' of project {} is now {}", name, projectId, mode.wire());
        return find(projectId, name);
    }

    @Transactional
    public void delete(String projectId, String name) {
        ReplicationTask task = lock(projectId, name);
        if (task.provisioned()) {
            throw ReplicationRefusals.provisionedRemove(name);
        }
        tasks.delete(task.id());
        log.info("Replication '{}' of project {} removed", name, projectId);
    }

    /**
     * For a provisioner: the task with these settings, created or replaced, and marked provisioned
     * (a task the API created becomes the provisioner's).
     */
    @Transactional
    public ReplicationTask upsertProvisioned(String projectId, String name, ReplicationSettings settings) {
        requireValidName(name);
        var existing = tasks.findForUpdate(projectId, name);
        if (existing.isEmpty()) {
            return create(projectId, name, settings, true);
        }
        write(existing.get(), settings, true);
        return find(projectId, name);
    }

    /**
     * For a provisioner whose environment sets no mode: like {@link #upsertProvisioned}, but an
     * existing task keeps the mode it has (paused through the API, say); a new one takes the
     * settings' mode.
     */
    @Transactional
    public ReplicationTask upsertProvisionedKeepingMode(String projectId, String name, ReplicationSettings settings) {
        requireValidName(name);
        var existing = tasks.findForUpdate(projectId, name);
        if (existing.isEmpty()) {
            return create(projectId, name, settings, true);
        }
        write(existing.get(), settings.withMode(existing.get().mode()), true);
        return find(projectId, name);
    }

    /** For a provisioner: exactly these tasks stay provisioned; every other one becomes the API's. */
    @Transactional
    public void keepProvisionedOnly(Collection<UUID> ids) {
        tasks.keepProvisionedOnly(ids);
    }

    private void write(ReplicationTask task, ReplicationSettings settings, boolean provisioned) {
        ReplicationTaskRepository.Stored stored = resolve(task.projectId(), task.name(), settings);
        tasks.updateSettings(task.id(), stored, passwordChange(task, settings), provisioned);
        log.info("Replication '{}' of project {} updated: {}", task.name(), task.projectId(), describe(stored));
    }

    private ReplicationTaskRepository.PasswordChange passwordChange(ReplicationTask task,
                                                                    ReplicationSettings settings) {
        if (settings.givesPassword()) {
            return new ReplicationTaskRepository.PasswordChange.Set(seal(settings));
        }
        boolean sameHost = settings.dstHost() != null && Objects.equals(settings.dstHost(), task.dstHost());
        if (sameHost) {
            return new ReplicationTaskRepository.PasswordChange.Keep();
        }
        if (ReplicationSettings.MASK.equals(settings.dstPassword())) {
            throw ReplicationRefusals.maskWithoutStoredPassword();
        }
        return new ReplicationTaskRepository.PasswordChange.Set(null);
    }

    /** The sealed password the settings give; null when they give none (absent or ""). */
    private String seal(ReplicationSettings settings) {
        return settings.givesPassword() && !settings.dstPassword().isEmpty()
                ? passwords.seal(settings.dstPassword()) : null;
    }

    /** The settings as stored: the destination URL checked, the instances found in the project. */
    private ReplicationTaskRepository.Stored resolve(String projectId, String name, ReplicationSettings settings) {
        if (settings.dstHost() != null) {
            DestinationHost.check(settings.dstHost());
        }
        UUID src = instance(projectId, name, settings.srcInstance(), true);
        UUID dst = null;
        if (settings.dstInstance() != null) {
            dst = instance(projectId, name, settings.dstInstance(), false);
            if (dst.equals(src)) {
                throw ReplicationRefusals.sameInstance();
            }
        }
        return new ReplicationTaskRepository.Stored(src, dst, settings.dstHost(), settings.entries(),
                settings.include(), settings.exclude(), settings.eachN(), settings.eachS(), settings.mode());
    }

    private UUID instance(String projectId, String name, String reference, boolean source) {
        List<UUID> found = tasks.instances(projectId, reference);
        if (found.isEmpty()) {
            throw source ? ReplicationRefusals.unknownSource(reference, name)
                    : ReplicationRefusals.unknownDestination(reference, name);
        }
        if (found.size() > 1) {
            throw ReplicationRefusals.ambiguous(source ? "Source" : "Destination", reference, name, found.size());
        }
        return found.get(0);
    }

    private ReplicationTask lock(String projectId, String name) {
        requireValidName(name);
        return tasks.findForUpdate(projectId, name).orElseThrow(() -> ReplicationRefusals.unknown(name));
    }

    private static void requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ReplicationRefusals.invalidName(name == null ? "" : name);
        }
    }

    /** For logs: source and destination, never a password (dst_host was checked to carry none). */
    private static String describe(ReplicationTaskRepository.Stored stored) {
        return stored.srcInstanceId() + " -> " + (stored.dstInstanceId() != null ? stored.dstInstanceId()
                : DestinationHost.masked(stored.dstHost())) + ", " + stored.mode().wire();
    }
}
