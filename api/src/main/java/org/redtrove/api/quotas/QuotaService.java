package org.redtrove.api.quotas;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.redtrove.api.fault.QuotaExceeded;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A project's quotas: the limits (set by an operator, else {@code redtrove.quota.*}, -1 meaning
 * unlimited), what is in use, and the check a create passes inside its own transaction.
 */
@Service
public class QuotaService {

    /** One resource's line of Trove's quota show: in use, reserved (always 0 here) and the limit. */
    public record Usage(QuotaResource resource, long inUse, long reserved, int limit) {
    }

    private final QuotaRepository repository;
    private final Map<QuotaResource, Integer> defaults = new EnumMap<>(QuotaResource.class);

    QuotaService(QuotaRepository repository,
                 @Value("${redtrove.quota.instances:10}") int instances,
                 @Value("${redtrove.quota.replicas:-1}") int replicas,
                 @Value("${redtrove.quota.ram:-1}") int ram,
                 @Value("${redtrove.quota.volumes:40}") int volumes,
                 @Value("${redtrove.quota.backups:50}") int backups) {
        this.repository = repository;
        defaults.put(QuotaResource.INSTANCES, instances);
        defaults.put(QuotaResource.REPLICAS, replicas);
        defaults.put(QuotaResource.RAM, ram);
        defaults.put(QuotaResource.VOLUMES, volumes);
        defaults.put(QuotaResource.BACKUPS, backups);
    }

    /** Every resource's limit for the project, in the resources' order. */
    public Map<QuotaResource, Integer> limits(String projectId) {
        Map<QuotaResource, Integer> limits = new EnumMap<>(defaults);
        limits.putAll(repository.setLimits(projectId));
        return limits;
    }

    public List<Usage> usages(String projectId) {
        Map<QuotaResource, Integer> limits = limits(projectId);
        Map<QuotaResource, Long> usage = repository.usage(projectId);
        List<Usage> usages = new ArrayList<>();
        for (QuotaResource resource : QuotaResource.values()) {
            usages.add(new Usage(resource, usage.get(resource), 0, limits.get(resource)));
        }
        return usages;
    }

    @Transactional
    public void setLimit(String projectId, QuotaResource resource, int limit) {
        repository.setLimit(projectId, resource, limit);
    }

    /**
     * Refuses, with Trove's 413, a change that would take any resource over its limit. Runs in the
     * caller's transaction and holds the project's quota lock until it commits, so the rows the
     * caller inserts next are counted by the next create of the project, never missed by it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void reserve(String projectId, Map<QuotaResource, Long> deltas) {
        repository.lock(projectId);
        Map<QuotaResource, Integer> limits = limits(projectId);
        Map<QuotaResource, Long> usage = repository.usage(projectId);
        List<String> overs = new ArrayList<>();
        deltas.forEach((resource, delta) -> {
            int limit = limits.get(resource);
            if (delta > 0 && limit >= 0 && usage.get(resource) + delta > limit) {
                overs.add(resource.wireName());
            }
        });
        if (!overs.isEmpty()) {
            throw new QuotaExceeded(overs);
        }
    }
}
