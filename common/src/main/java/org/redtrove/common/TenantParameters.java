package org.redtrove.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Redis parameters a tenant may set through a configuration group, with their types, limits and
 * Redis 7's defaults. Only parameters that change how the tenant's data is kept or served and are
 * safe on a replica set: never where files live, passwords, users, replication, persistence or
 * memory limits (the flavor's), which RedTrove owns. Every one applies live with CONFIG SET, so
 * none needs a restart.
 */
public final class TenantParameters {

    public enum Type { INTEGER, STRING, BOOLEAN }

    /**
     * @param choices for a string with a closed set of values (maxmemory-policy); empty otherwise
     * @param charset for a string made of flags (notify-keyspace-events); null otherwise
     */
    public record Parameter(String name, Type type, Long min, Long max, List<String> choices, String charset,
                            String defaultValue) {

        /** Why {@code value} does not fit, in Trove's words, or empty when it does. */
        public Optional<String> problem(Object value) {
            switch (type) {
                case INTEGER -> {
                    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                        return Optional.of("The value provided for the configuration parameter " + name
                                + " is not of type integer.");
                    }
                    long v = n.longValue();
                    if (min != null && v < min) {
                        return Optional.of("The value for the configuration parameter " + name
                                + " is less than the minimum allowed: " + min);
                    }
                    if (max != null && v > max) {
                        return Optional.of("The value for the configuration parameter " + name
                                + " is greater than the maximum allowed: " + max);
                    }
                    return Optional.empty();
                }
                case BOOLEAN -> {
                    return value instanceof Boolean ? Optional.empty() : Optional.of("The value provided for the"
                            + " configuration parameter " + name + " is not of type boolean.");
                }
                default -> {
                    if (!(value instanceof String s)) {
                        return Optional.of("The value provided for the configuration parameter " + name
                                + " is not of type string.");
                    }
                    if (!choices.isEmpty() && !choices.contains(s)) {
                        return Optional.of("The value provided for the configuration parameter " + name
                                + " is not one of " + String.join(", ", choices) + ".");
                    }
                    if (charset != null && !s.chars().allMatch(c -> charset.indexOf(c) >= 0)) {
                        return Optional.of("The value provided for the configuration parameter " + name
                                + " may only hold the characters " + charset + ".");
                    }
                    return Optional.empty();
                }
            }
        }

        /** The value as CONFIG SET takes it. */
        public String redisValue(Object value) {
            if (value instanceof Boolean b) {
                return b ? "yes" : "no";
            }
            if (value instanceof Number n) {
                return Long.toString(n.longValue());
            }
            return String.valueOf(value);
        }
    }

    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final Map<String, Parameter> ALL = new LinkedHashMap<>();

    static {
        string("maxmemory-policy", List.of("noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
                "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"), null, "noeviction");
        integer("maxmemory-samples", 1, 64, "5");
        integer("timeout", 0, INT_MAX, "0");
        integer("tcp-keepalive", 0, INT_MAX, "300");
        string("notify-keyspace-events", List.of(), "KEg$lshzxetdmnA", "");
        integer("hash-max-listpack-entries", 0, INT_MAX, "128");
        integer("hash-max-listpack-value", 0, INT_MAX, "64");
        integer("list-max-listpack-size", -5, INT_MAX, "-2");
        integer("list-compress-depth", 0, INT_MAX, "0");
        integer("set-max-intset-entries", 0, INT_MAX, "512");
        integer("zset-max-listpack-entries", 0, INT_MAX, "128");
        integer("zset-max-listpack-value", 0, INT_MAX, "64");
        integer("stream-node-max-bytes", 0, INT_MAX, "4096");
        integer("stream-node-max-entries", 0, INT_MAX, "100");
        integer("slowlog-log-slower-than", -1, INT_MAX, "10000");
        integer("slowlog-max-len", 0, INT_MAX, "128");
        integer("latency-monitor-threshold", 0, INT_MAX, "0");
        bool("lazyfree-lazy-eviction", "no");
        bool("lazyfree-lazy-expire", "no");
        bool("lazyfree-lazy-user-del", "no");
        bool("activedefrag", "no");
    }

    private TenantParameters() {
    }

    private static void integer(String name, long min, long max, String defaultValue) {
        ALL.put(name, new Parameter(name, Type.INTEGER, min, max, List.of(), null, defaultValue));
    }

    private static void string(String name, List<String> choices, String charset, String defaultValue) {
        ALL.put(name, new Parameter(name, Type.STRING, null, null, choices, charset, defaultValue));
    }

    private static void bool(String name, String defaultValue) {
        ALL.put(name, new Parameter(name, Type.BOOLEAN, null, null, List.of(), null, defaultValue));
    }

    public static List<Parameter> all() {
        return List.copyOf(ALL.values());
    }

    public static Optional<Parameter> named(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    public static Set<String> names() {
        return ALL.keySet();
    }

    /**
     * What every tenant parameter must be on an instance with these group values (name → the
     * group's JSON value; none for an instance without a group): the group's, else Redis's default.
     */
    public static Map<String, String> effective(Map<String, Object> groupValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : ALL.values()) {
            Object v = groupValues == null ? null : groupValues.get(p.name());
            out.put(p.name(), v == null ? p.defaultValue() : p.redisValue(v));
        }
        return out;
    }
}
