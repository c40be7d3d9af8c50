package org.redtrove.guestagent.copies;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.redtrove.common.CopySpec;
import org.redtrove.common.Glob;

/**
 * The filters of a copy that look at keys and labels, as replication tasks filter records: a key
 * matches one of the entries patterns (none: every key); labels pass when they carry every include
 * pair and none of the exclude pairs. A hash's labels are its fields, a stream entry's its fields;
 * other keys carry none, so an include leaves them out.
 */
final class CopyFilter {

    private final CopySpec spec;

    CopyFilter(CopySpec spec) {
        this.spec = spec;
    }

    boolean matchesKey(byte[] key) {
        if (spec.entries().isEmpty()) {
            return true;
        }
        String text = new String(key, StandardCharsets.UTF_8);
        for (String pattern : spec.entries()) {
            if (Glob.matches(pattern, text)) {
                return true;
            }
        }
        return false;
    }

    /** True when a filter looks at labels, so keys must be read for their type and fields. */
    boolean looksAtLabels() {
        return !spec.include().isEmpty() || !spec.exclude().isEmpty();
    }

    boolean passes(Map<String, String> labels) {
        for (Map.Entry<String, String> pair : spec.include().entrySet()) {
            if (!pair.getValue().equals(labels.get(pair.getKey()))) {
                return false;
            }
        }
        for (Map.Entry<String, String> pair : spec.exclude().entrySet()) {
            if (pair.getValue().equals(labels.get(pair.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The fields a hash is read for: the labels include and exclude name. */
    byte[][] labelFields() {
        Set<String> names = new TreeSet<>(spec.include().keySet());
        names.addAll(spec.exclude().keySet());
        return names.stream().map(RedisBytes::bytes).toArray(byte[][]::new);
    }
}
