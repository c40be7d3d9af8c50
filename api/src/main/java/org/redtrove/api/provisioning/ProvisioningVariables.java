package org.redtrove.api.provisioning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.redtrove.api.fault.ApiException;
import org.redtrove.api.replications.ReplicationMode;
import org.redtrove.api.replications.ReplicationSettings;

/**
 * Reads the provisioning variables ({@link Provisioner} documents them) into a plan, without the
 * database: every rule that needs no row (required variables, known suffixes, numbers and their
 * ranges, the task settings' own checks) fails here, before anything is written.
 *
 * <p>An ID may itself contain '_', so a variable is split at the known suffix it ends with (the
 * longest first), and a task's labels at the first {@code _INCLUDE_} or {@code _EXCLUDE_}. A name
 * under a prefix with no '_' after it is not ours: it is how Spring spells a configuration key in
 * the environment ({@code REDTROVE_REPLICATION_MAXREPLICAS} is {@code redtrove.replication.max-replicas}).
 */
final class ProvisioningVariables {

    static final String INSTANCE = "REDTROVE_INSTANCE_";
    static final String REPLICATION = "REDTROVE_REPLICATION_";

    private static final Pattern ID = Pattern.compile("[A-Z0-9_]+");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final int SHOWN = 80;

    private static final List<String> INSTANCE_SUFFIXES = List.of("NAME", "PROJECT", "FLAVOR", "REPLICAS");
    // longest first: the split takes the first suffix a variable ends with
    private static final List<String> REPLICATION_SUFFIXES = List.of("SRC_INSTANCE", "DST_INSTANCE", "DST_PASSWORD",
            "DST_HOST", "PROJECT", "ENTRIES", "EACH_N", "EACH_S", "NAME", "MODE");
    private static final String INCLUDE = "_INCLUDE_";
    private static final String EXCLUDE = "_EXCLUDE_";

    /** One ID's variables: suffix to value, and a task's label filters. */
    private record Group(String name, Map<String, String> values, Map<String, String> include,
                         Map<String, String> exclude) {

        Group(String name) {
            this(name, new LinkedHashMap<>(), new TreeMap<>(), new TreeMap<>());
        }

        String variable(String suffix) {
            return name + "_" + suffix;
        }

        /** The value, or null when the variable is absent or empty (the same, as in most shells' use). */
        String optional(String suffix) {
            String value = values.get(suffix);
            return value == null || value.isEmpty() ? null : value;
        }

        String required(String suffix) {
            if (!values.containsKey(suffix)) {
                throw new ProvisioningRefused(variable(suffix) + " is required");
            }
            if (values.get(suffix).isEmpty()) {
                throw new ProvisioningRefused(variable(suffix) + " must not be empty");
            }
            return values.get(suffix);
        }
    }

    private ProvisioningVariables() {
    }

    /** A variable under one of our prefixes whose ending is none of ours: maybe a typo, maybe not ours. */
    private static final class UnknownSuffix extends ProvisioningRefused {
        UnknownSuffix(String message) {
            super(message);
        }
    }

    /**
     * @param environment variable name to value; other variables are ignored
     * @param maxReplicas the most replicas an instance may have ({@code redtrove.replication.max-replicas})
     * @throws ProvisioningRefused naming the first bad variable (in name order)
     */
    static ProvisioningPlan read(Map<String, String> environment, int maxReplicas) {
        Map<String, Group> instances = new TreeMap<>();
        Map<String, Group> replications = new TreeMap<>();
        Map<String, ProvisioningRefused> unknown = new TreeMap<>();
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String key = variable.getKey();
            try {
                if (key.startsWith(INSTANCE)) {
                    instanceVariable(key, variable.getValue(), instances);
                } else if (key.startsWith(REPLICATION)) {
                    replicationVariable(key, variable.getValue(), replications);
                }
            } catch (UnknownSuffix e) {
                unknown.put(key, e);
            }
        }
        // A variable with an unknown ending is a typo when an ID of ours starts it (REDTROVE_INSTANCE_A_FLAVR
        // beside REDTROVE_INSTANCE_A_NAME); otherwise it is a configuration key spelt for the
        // environment (REDTROVE_REPLICATION_SYNC_TIMEOUT is redtrove.replication.sync-timeout), not ours.
        for (Map.Entry<String, ProvisioningRefused> e : unknown.entrySet()) {
            String key = e.getKey();
            boolean ours = instances.keySet().stream().anyMatch(id -> key.startsWith(INSTANCE + id + "_"))
                    || replications.keySet().stream().anyMatch(id -> key.startsWith(REPLICATION + id + "_"));
            if (ours) {
                throw e.getValue();
            }
        }
        List<ProvisioningPlan.InstanceSpec> instanceSpecs = new ArrayList<>();
        for (Group group : instances.values()) {
            instanceSpecs.add(instance(group, maxReplicas));
        }
        List<ProvisioningPlan.ReplicationSpec> replicationSpecs = new ArrayList<>();
        for (Group group : replications.values()) {
            replicationSpecs.add(replication(group));
        }
        return new ProvisioningPlan(List.copyOf(instanceSpecs), List.copyOf(replicationSpecs));
    }

    private static void instanceVariable(String key, String value, Map<String, Group> groups) {
        String rest = key.substring(INSTANCE.length());
        if (skipped(key, rest, INSTANCE_SUFFIXES)) {
            return;
        }
        for (String suffix : INSTANCE_SUFFIXES) {
            if (rest.endsWith("_" + suffix)) {
                group(key, INSTANCE, rest.substring(0, rest.length() - suffix.length() - 1), groups)
                        .values().put(suffix, value);
                return;
            }
        }
        throw new UnknownSuffix(key + " is not a provisioning variable: an instance is given by "
                + "REDTROVE_INSTANCE_<ID>_NAME, _PROJECT, _FLAVOR and _REPLICAS");
    }

    private static void replicationVariable(String key, String value, Map<String, Group> groups) {
        String rest = key.substring(REPLICATION.length());
        if (skipped(key, rest, REPLICATION_SUFFIXES)) {
            return;
        }
        int include = rest.indexOf(INCLUDE);
        int exclude = rest.indexOf(EXCLUDE);
        if (include > 0 || exclude > 0) {
            boolean isInclude = include > 0 && (exclude <= 0 || include < exclude);
            int at = isInclude ? include : exclude;
            String label = rest.substring(at + INCLUDE.length());
            if (label.isEmpty()) {
                throw new ProvisioningRefused(key + " has no label: write " + key + "<label>=<value>");
            }
            Group group = group(key, REPLICATION, rest.substring(0, at), groups);
            (isInclude ? group.include() : group.exclude()).put(label, value);
            return;
        }
        for (String suffix : REPLICATION_SUFFIXES) {
            if (rest.endsWith("_" + suffix)) {
                group(key, REPLICATION, rest.substring(0, rest.length() - suffix.length() - 1), groups)
                        .values().put(suffix, value);
                return;
            }
        }
        throw new UnknownSuffix(key + " is not a provisioning variable: a replication task is given by "
                + "REDTROVE_REPLICATION_<ID>_NAME, _PROJECT, _SRC_INSTANCE, _DST_INSTANCE, _DST_HOST, _DST_PASSWORD, "
                + "_ENTRIES, _INCLUDE_<label>, _EXCLUDE_<label>, _EACH_N, _EACH_S and _MODE (a redtrove.replication.* "
                + "setting is written without '_' in its last part, e.g. REDTROVE_REPLICATION_MAXREPLICAS)");
    }

    /** True for a configuration key's spelling (no '_' after the prefix); a bare suffix lacks its ID. */
    private static boolean skipped(String key, String rest, List<String> suffixes) {
        if (suffixes.contains(rest)) {
            throw new ProvisioningRefused(key + " has no ID: write " + key.substring(0, key.length() - rest.length())
                    + "<ID>_" + rest);
        }
        return rest.indexOf('_') < 0;
    }

    private static Group group(String key, String prefix, String id, Map<String, Group> groups) {
        if (!ID.matcher(id).matches()) {
            throw new ProvisioningRefused(key + ": the ID '" + show(id) + "' must be made of A-Z, 0-9 and '_'");
        }
        return groups.computeIfAbsent(id, i -> new Group(prefix + i));
    }

    private static ProvisioningPlan.InstanceSpec instance(Group group, int maxReplicas) {
        String name = group.required("NAME");
        String project = group.required("PROJECT");
        String flavor = group.optional("FLAVOR");
        Long replicas = integer(group, "REPLICAS");
        if (replicas != null && replicas < 0) {
            throw new ProvisioningRefused(group.variable("REPLICAS") + ": " + replicas
                    + " is less than the minimum of 0");
        }
        if (replicas != null && replicas > maxReplicas) {
            throw new ProvisioningRefused(group.variable("REPLICAS") + ": " + replicas
                    + " is greater than the maximum of " + maxReplicas + " (redtrove.replication.max-replicas)");
        }
        return new ProvisioningPlan.InstanceSpec(group.name(), name, project, flavor == null ? "1" : flavor,
                replicas == null ? 0 : replicas.intValue());
    }

    private static ProvisioningPlan.ReplicationSpec replication(Group group) {
        String name = group.required("NAME");
        String project = group.required("PROJECT");
        String src = group.required("SRC_INSTANCE");
        String dstHost = group.optional("DST_HOST");
        String password = group.optional("DST_PASSWORD");
        if (ReplicationSettings.MASK.equals(password)) {
            throw new ProvisioningRefused(group.variable("DST_PASSWORD") + ": '" + ReplicationSettings.MASK
                    + "' stands for a stored password in the API; give the password itself");
        }
        if (dstHost != null && password == null) {
            password = ""; // no password: the environment says all there is, nothing is kept from before
        }
        String entries = group.optional("ENTRIES");
        Long eachN = integer(group, "EACH_N");
        if (eachN != null && eachN > Integer.MAX_VALUE) {
            throw new ProvisioningRefused(group.variable("EACH_N") + ": " + eachN + " is greater than the maximum of "
                    + Integer.MAX_VALUE);
        }
        if (eachN != null && eachN < 1) {
            // ReplicationSettings says the same, but an int would wrap below Integer.MIN_VALUE first
            throw new ProvisioningRefused(group.variable("EACH_N") + ": " + eachN + " is less than the minimum of 1");
        }
        Double eachS = decimal(group, "EACH_S");
        ReplicationMode mode = mode(group);
        try {
            ReplicationSettings settings = new ReplicationSettings(src, group.optional("DST_INSTANCE"), dstHost,
                    password, entries == null ? List.of() : Arrays.stream(entries.split(",", -1)).map(String::trim)
                    .toList(), group.include(), group.exclude(), eachN == null ? null : eachN.intValue(), eachS, mode);
            return new ProvisioningPlan.ReplicationSpec(group.name(), name, project, settings, mode);
        } catch (ApiException e) {
            throw new ProvisioningRefused(group.name() + ": " + e.getMessage());
        }
    }

    /** An integer variable, or null when absent; values beyond a long count as out of range. */
    private static Long integer(Group group, String suffix) {
        String value = group.optional(suffix);
        if (value == null) {
            return null;
        }
        if (!INTEGER.matcher(value).matches()) {
            throw new ProvisioningRefused(group.variable(suffix) + ": '" + show(value) + "' is not an integer");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ProvisioningRefused(group.variable(suffix) + ": " + show(value) + " is out of range");
        }
    }

    /** A decimal number (no hex, no NaN, no Infinity), or null when absent. */
    private static Double decimal(Group group, String suffix) {
        String value = group.optional(suffix);
        if (value == null) {
            return null;
        }
        if (!DECIMAL.matcher(value).matches()) {
            throw new ProvisioningRefused(group.variable(suffix) + ": '" + show(value) + "' is not a number");
        }
        return Double.parseDouble(value);
    }

    private static ReplicationMode mode(Group group) {
        String value = group.optional("MODE");
        if (value == null) {
            return null;
        }
        return ReplicationMode.fromWire(value).orElseThrow(() -> new ProvisioningRefused(group.variable("MODE")
                + ": '" + show(value) + "' is not one of enabled, paused, disabled"));
    }

    private static String show(String text) {
        return text.length() > SHOWN ? text.substring(0, SHOWN - 3) + "..." : text;
    }
}
