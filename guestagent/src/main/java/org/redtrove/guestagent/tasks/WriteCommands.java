package org.redtrove.guestagent.tasks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the keys of each command are, as the source's own COMMAND says (first key, last key, step,
 * and whether the keys move), and what a write's labels and time are.
 */
final class WriteCommands {

    /** One command's legacy key specification. */
    record KeySpec(int firstKey, int lastKey, int step, boolean movableKeys) {
    }

    /** The keys of a command, and how it splits into one command per key if it can. */
    record Split(List<String> keys, List<List<byte[]>> perKey) {
    }

    private final Map<String, KeySpec> specs;
    /** COMMAND GETKEYS on the source, for commands whose keys move (ZUNIONSTORE, SORT … STORE). */
    private final Function<List<byte[]>, List<String>> getKeys;

    WriteCommands(Map<String, KeySpec> specs, Function<List<byte[]>, List<String>> getKeys) {
        this.specs = new HashMap<>(specs);
        this.getKeys = getKeys;
    }

    Iterable<String> names() {
        return specs.keySet();
    }

    /**
     * The keys and the split of a command; {@code perKey} is null when the command has several
     * keys and cannot be cut into one command per key without changing what it does.
     */
    Split split(List<byte[]> argv) {
        String name = text(argv.get(0)).toUpperCase(Locale.ROOT);
        KeySpec spec = specs.get(name);
        if (spec == null || (spec.firstKey() == 0 && !spec.movableKeys())) {
            return new Split(List.of(), List.of(argv));
        }
        if (spec.movableKeys()) {
            List<String> keys = getKeys.apply(argv);
            return new Split(keys, keys.size() <= 1 ? List.of(argv) : null);
        }
        int last = spec.lastKey() < 0 ? argv.size() + spec.lastKey() : Math.min(spec.lastKey(), argv.size() - 1);
        List<String> keys = new ArrayList<>();
        for (int i = spec.firstKey(); i <= last; i += Math.max(1, spec.step())) {
            keys.add(text(argv.get(i)));
        }
        if (keys.size() <= 1) {
            return new Split(keys, List.of(argv));
        }
        // DEL k1 k2 / UNLINK / TOUCH, or MSET k1 v1 k2 v2: the same command on each key (with its values).
        boolean perKeyForm = spec.firstKey() == 1 && spec.lastKey() == -1
                && (argv.size() - 1) % Math.max(1, spec.step()) == 0;
        if (!perKeyForm) {
            return new Split(keys, null);
        }
        List<List<byte[]>> perKey = new ArrayList<>();
        for (int i = 1; i < argv.size(); i += spec.step()) {
            List<byte[]> one = new ArrayList<>();
            one.add(argv.get(0));
            one.addAll(argv.subList(i, i + spec.step()));
            perKey.add(one);
        }
        return new Split(keys, perKey);
    }

    /**
     * Writes that delete, expire or maintain what a key holds (every stream command but XADD):
     * they carry no labels and pass on their key alone, or a filtered target would keep what the
     * source removed.
     */
    static boolean maintainsKey(String name) {
        return switch (name) {
            case "DEL", "UNLINK", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST", "GETDEL" -> true;
            default -> name.startsWith("X") && !name.equals("XADD");
        };
    }

    /** The field/value pairs a write carries: those of an XADD entry, or those HSET sets. */
    static Map<String, String> labels(List<byte[]> argv) {
        String name = text(argv.get(0)).toUpperCase(Locale.ROOT);
        int from = switch (name) {
            case "HSET", "HMSET", "HSETNX" -> 2;
            case "XADD" -> xaddIdIndex(argv) + 1;
            default -> -1;
        };
        if (from < 0) {
            return Map.of();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = from; i + 1 < argv.size(); i += 2) {
            labels.put(text(argv.get(i)), text(argv.get(i + 1)));
        }
        return labels;
    }

    /** A record's time: the milliseconds of an XADD's entry id (the stream carries it explicit), else null. */
    static Long recordTime(List<byte[]> argv) {
        if (!text(argv.get(0)).equalsIgnoreCase("XADD")) {
            return null;
        }
        int i = xaddIdIndex(argv);
        if (i >= argv.size()) {
            return null;
        }
        String id = text(argv.get(i));
        int dash = id.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] id field value …: where id is. */
    private static int xaddIdIndex(List<byte[]> argv) {
        int i = 2;
        while (i < argv.size()) {
            String word = text(argv.get(i)).toUpperCase(Locale.ROOT);
            if (word.equals("NOMKSTREAM")) {
                i++;
            } else if (word.equals("MAXLEN") || word.equals("MINID")) {
                i++;
                if (i < argv.size() && (text(argv.get(i)).equals("=") || text(argv.get(i)).equals("~"))) {
                    i++;
                }
                i++;
            } else if (word.equals("LIMIT")) {
                i += 2;
            } else {
                return i;
            }
        }
        return i;
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
