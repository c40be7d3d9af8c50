package org.redtrove.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code key=value} options ({@code --include status=working}) as the API's label objects. */
final class Labels {

    private Labels() {
    }

    static Map<String, String> parse(List<String> pairs, String option) {
        Map<String, String> labels = new TreeMap<>();
        if (pairs == null) {
            return labels;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ClientError(option + " takes LABEL=VALUE, not '" + pair + "'");
            }
            String label = pair.substring(0, eq);
            if (labels.put(label, pair.substring(eq + 1)) != null) {
                // the API holds one value per label: a second one would silently replace the first
                throw new ClientError(option + " gives '" + label + "' twice; a label takes one value here");
            }
        }
        return labels;
    }
}
