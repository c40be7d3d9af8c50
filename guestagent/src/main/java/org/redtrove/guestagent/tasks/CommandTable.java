package org.redtrove.guestagent.tasks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/** The source's own command table (COMMAND), so every command it can propagate is known by name. */
final class CommandTable {

    private CommandTable() {
    }

    static Map<String, WriteCommands.KeySpec> read(Jedis jedis) {
        Object reply = jedis.sendCommand(Protocol.Command.COMMAND);
        Map<String, WriteCommands.KeySpec> specs = new HashMap<>();
        for (Object entry : (List<?>) reply) {
            List<?> fields = (List<?>) entry;
            String name = text(fields.get(0)).toUpperCase(Locale.ROOT);
            List<String> flags = new ArrayList<>();
            for (Object flag : (List<?>) fields.get(2)) {
                flags.add(text(flag));
            }
            specs.put(name, new WriteCommands.KeySpec(number(fields.get(3)), number(fields.get(4)),
                    number(fields.get(5)), flags.contains("movablekeys")));
        }
        return specs;
    }

    static List<String> getKeys(Jedis jedis, List<byte[]> argv) {
        List<byte[]> args = new ArrayList<>();
        args.add("GETKEYS".getBytes(StandardCharsets.UTF_8));
        args.addAll(argv);
        Object reply = jedis.sendCommand(Protocol.Command.COMMAND, args.toArray(byte[][]::new));
        List<String> keys = new ArrayList<>();
        for (Object key : (List<?>) reply) {
            keys.add(text(key));
        }
        return keys;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static int number(Object o) {
        return o instanceof Long l ? l.intValue() : Integer.parseInt(text(o));
    }
}
