package org.redtrove.api.configurations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.redtrove.api.catalog.CatalogRepository;
import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.fault.Unprocessable;
import org.redtrove.api.identity.AuthContext;
import org.redtrove.api.jobs.JobWriter;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.redtrove.common.TenantParameters;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Configuration groups: their checks (only {@link TenantParameters}, each value of its type and
 * within its limits, with Trove's messages), and the CONFIGURE jobs that bring every set using a
 * group to its new values when the group changes. Attaching and detaching are the instances'
 * (InstanceService), which asks here whether a group may be attached.
 */
@Service
public class ConfigurationService {

    private final ConfigurationRepository configurations;
    private final CatalogRepository catalog;
    private final JobWriter jobs;

    ConfigurationService(ConfigurationRepository configurations, CatalogRepository catalog, JobWriter jobs) {
        this.configurations = configurations;
        this.catalog = catalog;
        this.jobs = jobs;
    }

    /** The group's id, if the caller's project has it and it fits instances of this datastore version. */
    public UUID attachable(AuthContext auth, String reference, UUID datastoreVersionId) {
        ConfigurationRepository.Configuration c = visible(auth, reference);
        if (!c.datastoreVersionId().equals(datastoreVersionId)) {
            throw new BadRequest("Datastore Version on Configuration " + c.datastoreVersionId()
                    + " does not match the Datastore Version on the instance " + datastoreVersionId + ".");
        }
        return c.id();
    }

    ConfigurationRepository.Configuration visible(AuthContext auth, String reference) {
        UUID id = CatalogRepository.parseUuid(reference);
        return (id == null ? java.util.Optional.<ConfigurationRepository.Configuration>empty()
                : configurations.find(auth.isAdmin() ? null : auth.projectId(), id))
                .orElseThrow(() -> new NotFound("Configuration group " + reference + " could not be found."));
    }

    @Transactional
    ConfigurationRepository.Configuration create(AuthContext auth, JsonNode body) {
        JsonNode c = object(body, "configuration");
        String name = text(c, "name", true);
        String description = text(c, "description", false);
        Map<String, Object> values = values(c.get("values"), true);
        String datastoreName = "redis";
        String versionName = null;
        JsonNode datastore = c.get("datastore");
        if (datastore != null && !datastore.isNull()) {
            if (!datastore.isObject()) {
                throw BadRequest.validation("configuration['datastore'] is not of type 'object'");
            }
            datastoreName = datastore.hasNonNull("type") ? datastore.get("type").asString() : datastoreName;
            versionName = datastore.hasNonNull("version") ? datastore.get("version").asString() : null;
        }
        String dsName = datastoreName;
        CatalogRepository.Datastore ds = catalog.datastore(dsName)
                .orElseThrow(() -> new NotFound("Datastore '" + dsName + "' cannot be found."));
        UUID versionId = versionName == null ? ds.defaultVersionId()
                : catalog.version(ds.id(), versionName).map(CatalogRepository.DatastoreVersion::id).orElse(null);
        if (versionId == null) {
            throw new NotFound("Datastore version '" + (versionName == null ? "(default)" : versionName)
                    + "' cannot be found.");
        }
        UUID id = UUID.randomUUID();
        configurations.insert(id, auth.projectId(), name, description, versionId, values);
        return configurations.find(null, id).orElseThrow();
    }

    /** PUT replaces the values (and the name and description when given); PATCH adds to them. */
    @Transactional
    void change(AuthContext auth, String reference, JsonNode body, boolean replace) {
        ConfigurationRepository.Configuration c = visible(auth, reference);
        configurations.findForUpdate(null, c.id());
        JsonNode given = object(body, "configuration");
        Map<String, Object> values = values(given.get("values"), true);
        if (!replace) {
            Map<String, Object> merged = new LinkedHashMap<>(c.values());
            merged.putAll(values);
            values = merged;
        }
        String name = replace && given.hasNonNull("name") ? text(given, "name", true) : c.name();
        String description = replace && given.has("description") ? text(given, "description", false)
                : c.description();
        configurations.update(c.id(), name, description, values);
        reapply(c.id(), c.projectId());
    }

    @Transactional
    void delete(AuthContext auth, String reference) {
        ConfigurationRepository.Configuration c = visible(auth, reference);
        if (!configurations.members(c.id()).isEmpty()) {
            throw new BadRequest("A configuration group cannot be deleted if it is associated with one or more"
                    + " non-terminated instances. Detach the configuration group from all non-terminated instances"
                    + " and please try again.");
        }
        configurations.delete(c.id());
    }

    /** One CONFIGURE job per set that uses the group. */
    private void reapply(UUID configurationId, String projectId) {
        Set<UUID> sets = new LinkedHashSet<>();
        for (ConfigurationRepository.Member m : configurations.members(configurationId)) {
            if (m.replicaSetId() == null || sets.add(m.replicaSetId())) {
                jobs.queue(JobKind.CONFIGURE, projectId, m.id(), JobParams.none());
            }
        }
    }

    private static JsonNode object(JsonNode body, String key) {
        JsonNode node = body == null ? null : body.get(key);
        if (node == null) {
            throw BadRequest.validation("'" + key + "' is a required property");
        }
        if (!node.isObject()) {
            throw BadRequest.validation(key + " is not of type 'object'");
        }
        return node;
    }

    private static String text(JsonNode c, String key, boolean required) {
        JsonNode node = c.get(key);
        if (node == null || node.isNull()) {
            if (required) {
                throw BadRequest.validation("configuration '" + key + "' is a required property");
            }
            return null;
        }
        if (!node.isString() || (required && node.asString().isBlank())) {
            throw BadRequest.validation("configuration['" + key + "'] is not a non-empty string");
        }
        return node.asString();
    }

    /** The values, each a tenant parameter of its type within its limits (422 otherwise, as Trove). */
    static Map<String, Object> values(JsonNode node, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw BadRequest.validation("configuration 'values' is a required property");
            }
            return Map.of();
        }
        if (!node.isObject()) {
            throw BadRequest.validation("configuration['values'] is not of type 'object'");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : node.propertyNames()) {
            JsonNode v = node.get(name);
            Object value = v.isBoolean() ? (Object) v.asBoolean() : v.isNumber() ? (Object) v.numberValue()
                    : v.isString() ? (Object) v.asString() : v.toString();
            TenantParameters.named(name).ifPresentOrElse(p -> p.problem(value).ifPresentOrElse(problems::add,
                    () -> values.put(name, value)), () -> problems.add("The configuration parameter " + name
                    + " is not supported for this datastore: redis."));
        }
        if (!problems.isEmpty()) {
            throw new Unprocessable(String.join(" ", problems));
        }
        return values;
    }

    List<ConfigurationRepository.Configuration> list(AuthContext auth) {
        return configurations.list(auth.isAdmin() ? null : auth.projectId());
    }

    List<ConfigurationRepository.Member> members(AuthContext auth, String reference) {
        return configurations.members(visible(auth, reference).id());
    }
}
