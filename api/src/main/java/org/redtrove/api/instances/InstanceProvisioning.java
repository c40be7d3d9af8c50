package org.redtrove.api.instances;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.redtrove.api.identity.AuthContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the environment provisioner ({@code org.redtrove.api.provisioning}) may do to instances:
 * find or create one by name, give it its replicas once it is built, and own exactly the instances
 * its environment names. Everything goes through {@link InstanceService}, so a provisioned create
 * is checked, paid for and queued exactly as {@code POST /instances} would be, acting in the
 * instance's project as the caller {@value #CALLER}.
 */
@Service
public class InstanceProvisioning {

    /** The user id the provisioner acts as; no user of that id exists, and nothing records it. */
    static final String CALLER = "redtrove-provisioner";

    private static final Logger log = LoggerFactory.getLogger(InstanceProvisioning.class);

    /** @param created false when the project already had an instance of that name */
    public record Ensured(UUID id, boolean created) {
    }

    /** What one try at giving an instance its replicas found. */
    public enum ReplicaProgress {
        /** It has the replicas it should (building ones count). */
        ENOUGH,
        /** The missing ones were created and their attach job queued. */
        REQUESTED,
        /** Not built yet, or another task runs on it: try again later. */
        SOURCE_NOT_READY,
        /** Deleted meanwhile. */
        SOURCE_GONE
    }

    private final InstanceService service;
    private final InstanceRepository instances;
    private final int maxReplicas;

    InstanceProvisioning(InstanceService service, InstanceRepository instances,
                         @Value("${redtrove.replication.max-replicas:5}") int maxReplicas) {
        this.service = service;
        this.instances = instances;
        this.maxReplicas = maxReplicas;
    }

    /**
     * The project's instance of that name, left as it is, else a new one of that flavor (a create
     * job; it builds in the background). When several carry the name, the oldest is the one.
     *
     * @throws org.redtrove.api.fault.ApiException as {@code POST /instances} would refuse the create
     */
    @Transactional
    public Ensured ensure(String projectId, String name, String flavorRef) {
        List<InstanceRow> named = instances.named(projectId, name);
        if (!named.isEmpty()) {
            if (named.size() > 1) {
                log.warn("Project {} has {} instances named '{}'; the oldest, {}, is the provisioned one",
                        projectId, named.size(), name, named.get(0).id());
            }
            return new Ensured(named.get(0).id(), false);
        }
        ObjectNode instance = JsonNodeFactory.instance.objectNode().put("name", name).put("flavorRef", flavorRef);
        ObjectNode body = JsonNodeFactory.instance.objectNode().set("instance", instance);
        InstanceService.Created created = service.create(caller(projectId),
                CreateInstanceRequest.parse(body, maxReplicas));
        // the password is not logged: its owner reads it from GET /instances/{id}/password
        log.info("Instance '{}' of project {} created from the environment: {}", name, projectId, created.id());
        return new Ensured(created.id(), true);
    }

    /** Provisioned: exactly these instances; every other one becomes an ordinary instance. */
    @Transactional
    public void keepProvisionedOnly(Collection<UUID> ids) {
        instances.keepProvisionedOnly(ids);
    }

    /**
     * One try at giving the instance {@code wanted} replicas (see {@link InstanceService#topUpReplicas}).
     *
     * @throws org.redtrove.api.fault.ApiException as {@code replica_of} would refuse them
     */
    public ReplicaProgress topUpReplicas(String projectId, UUID id, int wanted) {
        ReplicaProgress progress = service.topUpReplicas(caller(projectId), id, wanted);
        if (progress == ReplicaProgress.REQUESTED) {
            log.info("Replicas requested for instance {} of project {}, to have {}", id, projectId, wanted);
        }
        return progress;
    }

    private static AuthContext caller(String projectId) {
        return new AuthContext(CALLER, projectId, List.of());
    }
}
