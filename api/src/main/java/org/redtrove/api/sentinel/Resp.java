package org.redtrove.api.sentinel;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replies the endpoint sends, as values, and how each is written in RESP2 and RESP3. Netty's
 * codec encodes RESP2 only, so this writes bytes itself: a map is a flat array in RESP2 and
 * {@code %} in RESP3, a null is {@code *-1} or {@code _}, a push is an array or {@code >}.
 */
sealed interface Resp {

    record Simple(String text) implements Resp {
    }

    record Error(String text) implements Resp {
    }

    record Int(long value) implements Resp {
    }

    /** A bulk string; null is RESP2's null bulk ({@code $-1}). */
    record Bulk(String text) implements Resp {
    }

    record Array(List<Resp> items) implements Resp {
    }

    /** Field names and values, in order; every Sentinel field value is a bulk string. */
    record Fields(Map<String, Resp> fields) implements Resp {
    }

    /** "No such thing": {@code *-1} in RESP2, {@code _} in RESP3, as get-master-addr-by-name answers. */
    record Null() implements Resp {
    }

    /** An out-of-band message (pub/sub): a plain array in RESP2. */
    record Push(List<Resp> items) implements Resp {
    }

    Resp OK = new Simple("OK");
    Resp NULL = new Null();

    static Resp bulk(Object value) {
        return new Bulk(value == null ? null : value.toString());
    }

    static Resp error(String text) {
        return new Error(text);
    }

    static Resp array(List<? extends Resp> items) {
        return new Array(List.copyOf(items));
    }

    static Resp bulks(String... texts) {
        return new Array(Arrays.stream(texts).map(Resp::bulk).toList());
    }

    static Resp push(Resp... items) {
        return new Push(List.of(items));
    }

    /** A map of bulk strings, keeping the order in which the fields were put. */
    static Resp fields(LinkedHashMap<String, String> fields) {
        Map<String, Resp> values = new LinkedHashMap<>();
        fields.forEach((k, v) -> values.put(k, bulk(v)));
        return new Fields(values);
    }

    /** Writes {@code reply} for a connection speaking {@code protocol} (2 or 3). */
    static void write(Resp reply, int protocol, ByteBuf out) {
        if (reply instanceof Simple s) {
            line(out, '+', s.text());
        } else if (reply instanceof Error e) {
            line(out, '-', e.text());
        } else if (reply instanceof Int i) {
            line(out, ':', Long.toString(i.value()));
        } else if (reply instanceof Bulk b) {
            if (b.text() == null) {
                line(out, '$', "-1");
            } else {
                byte[] bytes = b.text().getBytes(StandardCharsets.UTF_8);
                line(out, '$', Integer.toString(bytes.length));
                out.writeBytes(bytes);
                out.writeByte('\r').writeByte('\n');
            }
        } else if (reply instanceof Array a) {
            aggregate(out, '*', a.items(), protocol);
        } else if (reply instanceof Push p) {
            aggregate(out, protocol == 3 ? '>' : '*', p.items(), protocol);
        } else if (reply instanceof Null) {
            line(out, protocol == 3 ? '_' : '*', protocol == 3 ? "" : "-1");
        } else if (reply instanceof Fields f) {
            if (protocol == 3) {
                line(out, '%', Integer.toString(f.fields().size()));
                f.fields().forEach((k, v) -> {
                    write(bulk(k), protocol, out);
                    write(v, protocol, out);
                });
            } else {
                List<Resp> flat = new ArrayList<>();
                f.fields().forEach((k, v) -> {
                    flat.add(bulk(k));
                    flat.add(v);
                });
                aggregate(out, '*', flat, protocol);
            }
        }
    }

    private static void aggregate(ByteBuf out, char type, List<Resp> items, int protocol) {
        line(out, type, Integer.toString(items.size()));
        for (Resp item : items) {
            write(item, protocol, out);
        }
    }

    private static void line(ByteBuf out, char type, String text) {
        out.writeByte(type);
        // Simple strings and errors never carry a line break: a client would read the rest as a reply.
        out.writeCharSequence(text.replace('\r', ' ').replace('\n', ' '), StandardCharsets.UTF_8);
        out.writeByte('\r').writeByte('\n');
    }
}
