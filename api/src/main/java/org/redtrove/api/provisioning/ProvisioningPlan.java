package org.redtrove.api.provisioning;

import java.util.List;
import org.redtrove.api.replications.ReplicationMode;
import org.redtrove.api.replications.ReplicationSettings;

/**
 * What the provisioning variables ask for, read and checked but not yet resolved against the
 * database: projects and instances are still the references the operator wrote. Each object keeps
 * its group ({@code REDTROVE_INSTANCE_<ID>}, {@code REDTROVE_REPLICATION_<ID>}) for messages.
 */
record ProvisioningPlan(List<InstanceSpec> instances, List<ReplicationSpec> replications) {

    /**
     * @param project  a project id or name
     * @param flavor   a flavor id (or name)
     * @param replicas how many replicas it should have, 0 for none
     */
    record InstanceSpec(String group, String name, String project, String flavor, int replicas) {
    }

    /**
     * @param settings the task's settings, with {@code mode} or, when it is null, enabled
     * @param mode     null when {@code _MODE} is not set: a new task is enabled, an existing one keeps
     *                 the mode it has
     */
    record ReplicationSpec(String group, String name, String project, ReplicationSettings settings,
                           ReplicationMode mode) {
    }
}
