package org.redtrove.common;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a COPY job copies ({@code POST /copies}, {@code redtrove cp}): the keys of one Redis that
 * exist when it runs, to another, filtered as a replication task filters records. A key of any type
 * is one record, except a stream, whose entries are its records: label filters look at a hash's
 * fields and at each stream entry's fields, {@code start}/{@code stop} and {@code eachS} at stream
 * entry times only. Keys that exist on the target are skipped unless {@code replace}.
 *
 * @param entries key glob patterns; empty means every key
 * @param startMillis first stream entry time kept (inclusive), ms since the epoch; null: from the first
 * @param stopMillis stream entry time where copying stops (exclusive); null: to the last
 * @param limit at most this many keys copied; null: no limit
 * @param db the database read and written, where a side's URL names none
 */
public record CopySpec(Side source, Side target, List<String> entries, Map<String, String> include,
                       Map<String, String> exclude, Long startMillis, Long stopMillis, Integer eachN, Double eachS,
                       Long limit, int db, boolean replace) {

    /**
     * One end: an instance of the job's project, or a Redis outside RedTrove by URL
     * ({@code redis://host:port[/db]}), whose password is sealed ({@code copies.password}).
     *
     * @param shown how messages name it: the instance's name, or the URL
     */
    public record Side(UUID instanceId, String url, String sealedPassword, String shown) {

        public boolean isInstance() {
            return instanceId != null;
        }
    }

    public CopySpec {
        entries = entries == null ? List.of() : List.copyOf(entries);
        include = include == null ? Map.of() : Map.copyOf(include);
        exclude = exclude == null ? Map.of() : Map.copyOf(exclude);
    }

    /** True when streams are copied entry by entry (a filter looks inside them), not whole. */
    public boolean filtersStreamEntries() {
        return !include.isEmpty() || !exclude.isEmpty() || startMillis != null || stopMillis != null
                || eachN != null || eachS != null;
    }
}
