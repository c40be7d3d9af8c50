package org.redtrove.api.instances;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.UUID;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.sentinel.SentinelDirections;
import org.redtrove.api.web.Times;

/**
 * An instance as Trove's views show it (trove/instance/views.py, contract B.1 and D.2). Keys whose
 * value would be null are left out: the clients crash on a null replica_of, replicas, datastore,
 * volume, flavor or access. The detail view (show, create, /detail) adds the time stamps, the
 * datastore's version_number, the fault and RedTrove's {@code is_provisioned} (the api's
 * environment owns the instance, so it may not be renamed, detached or deleted); the show view adds
 * RedTrove's {@code progress} while a job works on the instance and says where it is (a replica's
 * full sync: the bytes received so far).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record InstanceView(UUID id, String name, String status,
                    @JsonProperty("operating_status") String operatingStatus,
                    List<Link> links, Ref flavor, Datastore datastore, String region, Volume volume, Access access,
                    List<String> ip, List<Address> addresses, Integer port,
                    @JsonProperty("replica_of") Ref replicaOf, List<Ref> replicas,
                    @JsonProperty("replica_set") ReplicaSetRef replicaSet,
                    @JsonProperty("tenant_id") String tenantId,
                    String created, String updated,
                    @JsonProperty("service_status_updated") String serviceStatusUpdated,
                    Fault fault, @JsonProperty("is_provisioned") Boolean isProvisioned, String password,
                    Configuration configuration, String progress) {

    /** The attached configuration group, as Trove shows it (views.py: id, name, links). */
    record Configuration(String id, String name, List<Link> links) {
    }

    record Link(String rel, String href) {
    }

    record Ref(String id, List<Link> links) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Datastore(String type, String version, @JsonProperty("version_number") String versionNumber) {
    }

    /**
     * Trove's volume: its size in GB and, once the guest reports it, what the data files use of
     * it (GB, as Trove's {@code used}); {@code writes_refused} (RedTrove) while they outgrew it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Volume(int size, Double used, @JsonProperty("writes_refused") Boolean writesRefused) {
    }

    record Access(@JsonProperty("is_public") boolean isPublic) {
    }

    record Address(String address, String type, String network) {
    }

    record Fault(String message, String created, String details) {
    }

    /**
     * The set the instance belongs to: its stable name (Sentinel's master name), configuration epoch
     * and where the Sentinel-compatible endpoint that follows it is (absent when it is disabled).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReplicaSetRef(String name, long epoch, SentinelDirections.Address sentinel) {
    }

    /** Builds views for one request: links use the address the client called, ids the row's project. */
    record Builder(String baseUrl, String region, AuthContext auth, SentinelDirections.Address sentinel) {

        InstanceView list(InstanceRow row, List<UUID> replicaIds) {
            return build(row, replicaIds, false, null, null);
        }

        InstanceView detail(InstanceRow row, List<UUID> replicaIds, String password) {
            return build(row, replicaIds, true, password, null);
        }

        /** @param progress what the running job says of the instance, or null */
        InstanceView shown(InstanceRow row, List<UUID> replicaIds, String progress) {
            return build(row, replicaIds, true, null, progress);
        }

        private InstanceView build(InstanceRow row, List<UUID> replicaIds, boolean detail, String password,
                                   String progress) {
            boolean placed = row.hostAddress() != null;
            return new InstanceView(
                    row.id(), row.name(),
                    InstanceStatus.status(row.taskStatus(), row.serverStatus(), row.health()),
                    InstanceStatus.operatingStatus(row.taskStatus(), row.serverStatus(), row.serviceStatus()),
                    links(row.projectId(), "instances/" + row.id()),
                    new Ref(Integer.toString(row.flavorId()), links(row.projectId(), "flavors/" + row.flavorId())),
                    new Datastore(row.datastoreName(), row.versionName(), detail ? row.versionNumber() : null),
                    region,
                    new Volume(row.volumeSize() != null ? row.volumeSize() : row.flavorDiskGb(),
                            row.diskUsedBytes() == null ? null : row.diskUsedBytes() / (double) (1L << 30),
                            row.diskWritesRefused() ? Boolean.TRUE : null),
                    new Access(false),
                    placed ? List.of(row.hostAddress()) : null,
                    placed ? List.of(new Address(row.hostAddress(), "private", "private")) : null,
                    row.port(),
                    row.replicaOf() == null ? null
                            : new Ref(row.replicaOf().toString(), links(row.projectId(), "instances/" + row.replicaOf())),
                    replicaIds == null || replicaIds.isEmpty() ? null
                            : replicaIds.stream()
                                    .map(r -> new Ref(r.toString(), links(row.projectId(), "instances/" + r)))
                                    .toList(),
                    detail && row.replicaSetName() != null
                            ? new ReplicaSetRef(row.replicaSetName(), row.replicaSetEpoch(), sentinel) : null,
                    auth.isAdmin() ? row.projectId() : null,
                    detail ? Times.format(row.createdAt()) : null,
                    detail ? Times.format(row.updatedAt()) : null,
                    detail ? Times.format(row.serviceStatusUpdated()) : null,
                    detail ? fault(row) : null,
                    detail ? row.provisioned() : null,
                    password,
                    detail && row.configurationId() != null ? new Configuration(row.configurationId().toString(),
                            row.configurationName(), links(row.projectId(), "configurations/" + row.configurationId()))
                            : null,
                    progress);
        }

        /** A job's fault first; else, for a member the supervisor finds unwell, why. */
        private static Fault fault(InstanceRow row) {
            if (row.faultMessage() != null) {
                return new Fault(row.faultMessage(), Times.format(row.faultCreated()),
                        row.faultDetails() == null ? "" : row.faultDetails());
            }
            if (row.healthDetail() != null && !"HEALTHY".equals(row.health())) {
                return new Fault(row.healthDetail(), Times.format(row.updatedAt()), "");
            }
            return null;
        }

        private List<Link> links(String projectId, String path) {
            return List.of(new Link("self", baseUrl + "/v1.0/" + projectId + "/" + path),
                    new Link("bookmark", baseUrl + "/" + projectId + "/" + path));
        }
    }
}
