package org.redtrove.guestagent.tasks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.common.Glob;
import org.redtrove.common.ReplicationTaskSpec;

/**
 * ReductStore's filters on Redis records, in its order (include, exclude, each_n, each_s), with its
 * state per entry (key) kept in memory: the first record of a key always passes each_n and each_s.
 * Exclude drops a record that carries any of its pairs, as the words say (ReductStore drops only
 * one carrying all of them). A record without labels passes only when include is empty.
 */
final class RecordFilter {

    private final List<String> entries;
    private final Map<String, String> include;
    private final Map<String, String> exclude;
    private final Integer eachN;
    private final Long eachMillis;
    private final Map<String, long[]> perKey = new HashMap<>();

    RecordFilter(ReplicationTaskSpec spec) {
        this.entries = spec.entries() == null ? List.of() : List.copyOf(spec.entries());
        this.include = spec.include() == null ? Map.of() : spec.include();
        this.exclude = spec.exclude() == null ? Map.of() : spec.exclude();
        this.eachN = spec.eachN();
        this.eachMillis = spec.eachS() == null ? null : Math.round(spec.eachS() * 1000);
    }

    /** Whether the key is one the task replicates at all (entries). */
    boolean matchesKey(String key) {
        return entries.isEmpty() || entries.stream().anyMatch(p -> Glob.matches(p, key));
    }

    /** True when nothing but entries filters: keyless and unsplittable writes are decidable then. */
    boolean filtersOnlyKeys() {
        return include.isEmpty() && exclude.isEmpty() && eachN == null && eachMillis == null;
    }

    /** No filter at all: a write passes whatever it is, keyless ones included. */
    boolean passesEverything() {
        return entries.isEmpty() && filtersOnlyKeys();
    }

    /**
     * @param labels      the field/value pairs the write carries; empty if none
     * @param timeMillis  the record's time: its stream entry id for XADD, else its arrival
     */
    boolean passes(String key, Map<String, String> labels, long timeMillis) {
        if (!matchesKey(key)) {
            return false;
        }
        for (Map.Entry<String, String> pair : include.entrySet()) {
            if (!pair.getValue().equals(labels.get(pair.getKey()))) {
                return false;
            }
        }
        for (Map.Entry<String, String> pair : exclude.entrySet()) {
            if (pair.getValue().equals(labels.get(pair.getKey()))) {
                return false;
            }
        }
        if (eachN == null && eachMillis == null) {
            return true;
        }
        long[] state = perKey.computeIfAbsent(key, k -> new long[] {0, Long.MIN_VALUE});
        long seen = state[0]++;
        if (eachN != null && seen % eachN != 0) {
            return false;
        }
        if (eachMillis != null && state[1] != Long.MIN_VALUE && timeMillis - state[1] < eachMillis) {
            return false;
        }
        state[1] = timeMillis;
        return true;
    }
}
