package org.redtrove.guestagent.copies;

import static org.redtrove.guestagent.copies.RedisBytes.startsWith;
import static org.redtrove.guestagent.copies.RedisBytes.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The reader stage of a copy, on a thread of its own: SCAN pages of the source from a cursor to
 * the end of the keyspace, each page's keys filtered by name and by labels, those copied whole
 * DUMPed, handed to the writer through a queue that holds two pages. RedTrove's own keys (copy
 * markers and scratch streams) are never copied. No MATCH: the patterns are checked here, so
 * "scanned" runs to the database's size, for the ETA.
 */
final class PageReader implements Runnable {

    static final int PAGE = 1000;

    /** What a page writes: a whole key (its DUMP) or a rebuilt stream (its scratch key). */
    record Candidate(byte[] key, long ttl, byte[] payload, byte[] scratch) {
    }

    /** A page's keys that passed: copied whole, or streams to rebuild entry by entry. */
    record Classified(List<byte[]> whole, List<byte[]> streams, long filtered) {

        byte[][] keys() {
            List<byte[]> all = new ArrayList<>(whole);
            all.addAll(streams);
            return all.toArray(new byte[0][]);
        }
    }

    /**
     * One SCAN page, its keys classified and those copied whole dumped ({@code dumps} beside
     * {@code classified.whole}, null for a key gone since SCAN); or the end; or the reader's failure.
     */
    record Page(List<byte[]> scanned, byte[] nextCursor, Classified classified, long filtered,
                List<Candidate> dumps, RuntimeException failure, boolean end) {

        static final Page END = new Page(List.of(), null, null, 0, List.of(), null, true);

        static Page failed(RuntimeException e) {
            return new Page(List.of(), null, null, 0, List.of(), e, false);
        }
    }

    private static final byte[] OWN_PREFIX = RedisBytes.bytes(CopyRun.MARKER_PREFIX);

    private final Jedis source;
    private final byte[] from;
    private final CopyFilter filter;
    private final boolean rebuildsStreams;
    private final BlockingQueue<Page> pages;
    private final AtomicBoolean stop;

    PageReader(Jedis source, byte[] from, CopyFilter filter, boolean rebuildsStreams, BlockingQueue<Page> pages,
               AtomicBoolean stop) {
        this.source = source;
        this.from = from;
        this.filter = filter;
        this.rebuildsStreams = rebuildsStreams;
        this.pages = pages;
        this.stop = stop;
    }

    @Override
    public void run() {
        ScanParams params = new ScanParams().count(PAGE);
        byte[] at = from;
        try {
            try {
                do {
                    if (stop.get()) {
                        return;
                    }
                    ScanResult<byte[]> page = source.scan(at, params);
                    List<byte[]> keys = new ArrayList<>();
                    long filtered = 0;
                    for (byte[] key : page.getResult()) {
                        if (startsWith(key, OWN_PREFIX)) {
                            continue;
                        }
                        if (filter.matchesKey(key)) {
                            keys.add(key);
                        } else {
                            filtered++;
                        }
                    }
                    Classified classified = classify(keys);
                    pages.put(new Page(page.getResult(), page.getCursorAsBytes(), classified,
                            filtered + classified.filtered(), dumps(source, classified.whole()), null, false));
                    at = page.getCursorAsBytes();
                } while (!Arrays.equals(at, ScanParams.SCAN_POINTER_START_BINARY));
                pages.put(Page.END);
            } catch (RuntimeException e) {
                if (!stop.get()) {
                    pages.put(Page.failed(e)); // the writer takes it, or stops and interrupts this wait
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the writer stopped
        }
    }

    /** Splits the keys into those copied whole and streams rebuilt entry by entry, dropping those filtered out. */
    private Classified classify(List<byte[]> keys) {
        if (!filter.looksAtLabels() && !rebuildsStreams) {
            return new Classified(keys, List.of(), 0);
        }
        byte[][] fields = filter.labelFields();
        Pipeline p = source.pipelined();
        List<Response<String>> types = new ArrayList<>();
        List<Response<List<byte[]>>> values = new ArrayList<>();
        for (byte[] key : keys) {
            types.add(p.type(key));
            values.add(fields.length == 0 ? null : p.hmget(key, fields));
        }
        p.sync();
        List<byte[]> whole = new ArrayList<>();
        List<byte[]> streams = new ArrayList<>();
        long filtered = 0;
        for (int i = 0; i < keys.size(); i++) {
            String type = types.get(i).get();
            if (type.equals("none")) {
                continue; // expired or deleted since SCAN: it does not exist now
            }
            if (type.equals("stream") && rebuildsStreams) {
                streams.add(keys.get(i));
            } else if (filter.passes(type.equals("hash") ? hashLabels(fields, values.get(i)) : Map.of())) {
                whole.add(keys.get(i));
            } else {
                filtered++;
            }
        }
        return new Classified(whole, streams, filtered);
    }

    private static Map<String, String> hashLabels(byte[][] fields, Response<List<byte[]>> response) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (response == null) {
            return labels;
        }
        List<byte[]> values;
        try {
            values = response.get();
        } catch (JedisDataException e) {
            return labels; // WRONGTYPE: it changed type since TYPE
        }
        for (int i = 0; i < fields.length; i++) {
            if (values.get(i) != null) {
                labels.put(text(fields[i]), text(values.get(i)));
            }
        }
        return labels;
    }

    private static List<Candidate> dumps(Jedis source, List<byte[]> keys) {
        Pipeline p = source.pipelined();
        List<Response<Long>> ttls = new ArrayList<>();
        List<Response<byte[]>> payloads = new ArrayList<>();
        for (byte[] key : keys) {
            ttls.add(p.pttl(key));
            payloads.add(p.dump(key));
        }
        p.sync();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            byte[] payload = payloads.get(i).get();
            long ttl = ttls.get(i).get();
            // null: gone since SCAN
            candidates.add(payload != null && ttl != -2 ? new Candidate(keys.get(i), Math.max(ttl, 0), payload, null)
                    : null);
        }
        return candidates;
    }
}
