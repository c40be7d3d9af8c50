package org.redtrove.api.provisioning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.fault.ApiException;
import org.redtrove.api.identity.ProjectDirectory;
import org.redtrove.api.instances.InstanceProvisioning;
import org.redtrove.api.replications.ReplicationTask;
import org.redtrove.api.replications.ReplicationTaskService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Provisions instances and replication tasks from environment variables, as ReductStore's
 * {@code RS_BUCKET_*} and {@code RS_REPLICATION_*} do. {@link ProvisioningAtStart} runs it at every
 * api start with {@code System.getenv()}; tests pass a map of their own.
 *
 * <p>Each {@code <ID>} is any {@code [A-Z0-9_]+} the operator chooses; it only groups the variables
 * of one object (and names it in messages). It must not contain {@code _INCLUDE_} or
 * {@code _EXCLUDE_}. An empty value is the same as an absent variable, except for a label's value.
 *
 * <p>Instances:
 * <ul>
 * <li>{@code REDTROVE_INSTANCE_<ID>_NAME} (required): the instance's name.</li>
 * <li>{@code REDTROVE_INSTANCE_<ID>_PROJECT} (required): the id or name of its project.</li>
 * <li>{@code REDTROVE_INSTANCE_<ID>_FLAVOR}: the flavor id; {@code 1} when absent.</li>
 * <li>{@code REDTROVE_INSTANCE_<ID>_REPLICAS}: how many replicas it has, 0 (the default) to
 *     {@code redtrove.replication.max-replicas}.</li>
 * </ul>
 *
 * <p>Replication tasks:
 * <ul>
 * <li>{@code REDTROVE_REPLICATION_<ID>_NAME} (required): the task's name.</li>
 * <li>{@code REDTROVE_REPLICATION_<ID>_PROJECT} (required): the id or name of its project.</li>
 * <li>{@code REDTROVE_REPLICATION_<ID>_SRC_INSTANCE} (required): id or name of the source
 *     instance in that project; one provisioned in the same start may still be building.</li>
 * <li>{@code REDTROVE_REPLICATION_<ID>_DST_INSTANCE}: id or name of the destination instance; or
 *     {@code REDTROVE_REPLICATION_<ID>_DST_HOST}: {@code redis://host:port[/db]} or
 *     {@code rediss://...} with {@code REDTROVE_REPLICATION_<ID>_DST_PASSWORD} (none when absent;
 *     never logged, never shown).</li>
 * <li>{@code REDTROVE_REPLICATION_<ID>_ENTRIES}: key globs, comma-separated (spaces around them are
 *     dropped); every key when absent.</li>
 * <li>{@code REDTROVE_REPLICATION_<ID>_INCLUDE_<label>=<value>} and
 *     {@code REDTROVE_REPLICATION_<ID>_EXCLUDE_<label>=<value>}: one variable per label; the label
 *     is the rest of the variable's name as written ({@code ..._INCLUDE_engine_status=working}).</li>
 * <li>{@code REDTROVE_REPLICATION_<ID>_EACH_N}: keep one record in N (an integer, at least 1).</li>
 * <li>{@code REDTROVE_REPLICATION_<ID>_EACH_S}: at most one record per this many seconds (a
 *     number above 0).</li>
 * <li>{@code REDTROVE_REPLICATION_<ID>_MODE}: {@code enabled}, {@code paused} or {@code disabled}.
 *     When absent a new task is enabled and an existing one keeps its mode.</li>
 * </ul>
 *
 * <p>At each run, instances first, then tasks, all in one transaction (so a refusal leaves nothing
 * half done) under an advisory lock (so two api processes starting together provision once). An
 * instance whose name the project already has is left as it is; otherwise it is created as
 * {@code POST /instances} would (a job: it builds in the background). Its replicas come later, once
 * it is ACTIVE ({@link ProvisionedReplicas}). A task is created, or its settings replaced
 * ({@link ReplicationTaskService#upsertProvisioned}). Exactly the objects this run names are
 * provisioned afterwards: the API refuses to change or remove them, and everything provisioned
 * before but not now becomes an ordinary object again.
 *
 * <p>A bad variable throws {@link ProvisioningRefused} naming it: a missing required one, an unknown
 * suffix, a number that is not one or is out of range, an unknown project, flavor or source
 * instance, a bad destination URL, two IDs giving one name in one project, or anything the API
 * would refuse (prefixed with the group, {@code REDTROVE_REPLICATION_<ID>: ...}).
 */
@Component
class Provisioner {

    private static final Logger log = LoggerFactory.getLogger(Provisioner.class);
    /** The advisory lock key of provisioning: "RTPV" in ASCII, unused by anything else. */
    private static final long LOCK = 0x52545056L;

    /** An instance that should have replicas, and what messages call it. */
    record ReplicaTarget(String group, String projectId, UUID instanceId, String name, int replicas) {
    }

    /** What a run did; the replica targets are left for {@link ProvisionedReplicas}. */
    record Provisioned(List<UUID> instanceIds, int instancesCreated, List<UUID> taskIds,
                       List<ReplicaTarget> replicaTargets) {
    }

    private final ProjectDirectory projects;
    private final CatalogRepository catalog;
    private final InstanceProvisioning instances;
    private final ReplicationTaskService tasks;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final int maxReplicas;

    Provisioner(ProjectDirectory projects, CatalogRepository catalog, InstanceProvisioning instances,
                ReplicationTaskService tasks, TransactionTemplate tx, JdbcClient jdbc,
                @Value("${redtrove.replication.max-replicas:5}") int maxReplicas) {
        this.projects = projects;
        this.catalog = catalog;
        this.instances = instances;
        this.tasks = tasks;
        this.tx = tx;
        this.jdbc = jdbc;
        this.maxReplicas = maxReplicas;
    }

    /**
     * @param environment variable name to value (other variables are ignored)
     * @throws ProvisioningRefused naming the bad variable; nothing is changed then
     */
    Provisioned provision(Map<String, String> environment) {
        ProvisioningPlan plan = ProvisioningVariables.read(environment, maxReplicas);
        Provisioned done = tx.execute(status -> apply(plan));
        log.info("Provisioned from the environment: {} instances ({} created), {} replication tasks",
                done.instanceIds().size(), done.instancesCreated(), done.taskIds().size());
        return done;
    }

    private Provisioned apply(ProvisioningPlan plan) {
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(:key)) locked").param("key", LOCK)
                .query(Integer.class).single();
        // every check that reads rows comes before the first write
        Map<String, String> projectIds = new HashMap<>();
        Map<List<String>, String> namedBy = new HashMap<>();
        for (ProvisioningPlan.InstanceSpec spec : plan.instances()) {
            String projectId = project(spec.group(), spec.project(), projectIds);
            unique(spec.group(), "instance", projectId, spec.name(), spec.project(), namedBy);
            if (catalog.flavor(spec.flavor()).isEmpty()) {
                throw new ProvisioningRefused(spec.group() + "_FLAVOR: flavor '" + spec.flavor() + "' does not exist");
            }
        }
        for (ProvisioningPlan.ReplicationSpec spec : plan.replications()) {
            unique(spec.group(), "replication", project(spec.group(), spec.project(), projectIds), spec.name(),
                    spec.project(), namedBy);
        }

        List<UUID> instanceIds = new ArrayList<>();
        List<ReplicaTarget> targets = new ArrayList<>();
        int created = 0;
        for (ProvisioningPlan.InstanceSpec spec : plan.instances()) {
            String projectId = projectIds.get(spec.project());
            InstanceProvisioning.Ensured ensured = refusedAs(spec.group(),
                    () -> instances.ensure(projectId, spec.name(), spec.flavor()));
            instanceIds.add(ensured.id());
            created += ensured.created() ? 1 : 0;
            if (spec.replicas() > 0) {
                targets.add(new ReplicaTarget(spec.group(), projectId, ensured.id(), spec.name(), spec.replicas()));
            }
        }
        instances.keepProvisionedOnly(instanceIds);

        List<UUID> taskIds = new ArrayList<>();
        for (ProvisioningPlan.ReplicationSpec spec : plan.replications()) {
            String projectId = projectIds.get(spec.project());
            ReplicationTask task = refusedAs(spec.group(), () -> spec.mode() == null
                    ? tasks.upsertProvisionedKeepingMode(projectId, spec.name(), spec.settings())
                    : tasks.upsertProvisioned(projectId, spec.name(), spec.settings()));
            taskIds.add(task.id());
        }
        tasks.keepProvisionedOnly(taskIds);
        return new Provisioned(List.copyOf(instanceIds), created, List.copyOf(taskIds), List.copyOf(targets));
    }

    private String project(String group, String reference, Map<String, String> resolved) {
        String known = resolved.get(reference);
        if (known != null) {
            return known;
        }
        List<String> ids = projects.ids(reference);
        if (ids.isEmpty()) {
            throw new ProvisioningRefused(group + "_PROJECT: project '" + reference + "' does not exist");
        }
        if (ids.size() > 1) {
            throw new ProvisioningRefused(group + "_PROJECT: " + ids.size() + " projects (of different domains) are "
                    + "named '" + reference + "'; give its id");
        }
        resolved.put(reference, ids.get(0));
        return ids.get(0);
    }

    /** One name per kind and project: two groups giving it would fight over one object. */
    private static void unique(String group, String kind, String projectId, String name, String project,
                               Map<List<String>, String> namedBy) {
        String first = namedBy.putIfAbsent(List.of(kind, projectId, name), group);
        if (first != null) {
            throw new ProvisioningRefused(group + "_NAME: " + first + " already provisions the " + kind + " '" + name
                    + "' in project '" + project + "'");
        }
    }

    /** What the API would answer as a refusal, as a refused start naming the group. */
    private static <T> T refusedAs(String group, Supplier<T> action) {
        try {
            return action.get();
        } catch (ApiException e) {
            throw new ProvisioningRefused(group + ": " + e.getMessage());
        }
    }
}
