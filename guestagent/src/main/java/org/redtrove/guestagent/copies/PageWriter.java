package org.redtrove.guestagent.copies;

import static org.redtrove.guestagent.copies.RedisBytes.bytes;
import static org.redtrove.guestagent.copies.RedisBytes.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.redtrove.common.CopySpec;
import org.redtrove.guestagent.copies.PageReader.Candidate;
import org.redtrove.guestagent.copies.PageReader.Classified;
import org.redtrove.guestagent.copies.PageReader.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;

/**
 * The writer stage of a copy: each page goes to the target atomically with the copy's marker, so
 * the target always holds exactly the pages the marker counts. Where the target runs scripts, a page
 * of whole keys is one script that restores them, counts those that exist (BUSYKEY: skipped unless
 * replace) and sets the marker, in one round trip. Otherwise, and for a page with streams a filter
 * looks into, the page is one MULTI/EXEC: its keys WATCHed and those that exist left out first, so
 * every figure is known before EXEC; a key created meanwhile aborts EXEC and the page is done again.
 * Such a stream is rebuilt from its passing entries in a scratch key, which the transaction renames
 * into place.
 */
final class PageWriter {

    private static final Logger log = LoggerFactory.getLogger(PageWriter.class);
    private static final long SCRATCH_KEPT_MILLIS = 3_600_000;
    private static final int STREAM_PAGE = 1000;

    private final UUID copyId;
    private final CopySpec spec;
    private final CopyFilter filter;
    private final CopyFigures figures;
    private final byte[] marker;
    private final Jedis streamSource;
    private final Jedis target;
    private byte[] scriptSha;
    private Boolean scriptsAllowed;

    /** @param streamSource a connection to the source for rebuilding streams; null when none is rebuilt */
    PageWriter(UUID copyId, CopySpec spec, CopyFilter filter, CopyFigures figures, byte[] marker,
               Jedis streamSource, Jedis target) {
        this.copyId = copyId;
        this.spec = spec;
        this.filter = filter;
        this.figures = figures;
        this.marker = marker;
        this.streamSource = streamSource;
        this.target = target;
    }

    void write(Page page) {
        Classified classified = page.classified();
        if (classified.streams().isEmpty() && scripted()) {
            List<Candidate> candidates = new ArrayList<>();
            page.dumps().stream().filter(Objects::nonNull).forEach(candidates::add);
            scriptCommit(withinLimit(candidates), page.scanned().size(), page.filtered(), page.nextCursor());
            return;
        }
        while (true) {
            long skipped = 0;
            long filteredStreams = 0;
            target.watch(RedisBytes.prepend(marker, classified.keys()));
            List<Candidate> candidates = new ArrayList<>();
            List<byte[]> wantedStreams = new ArrayList<>();
            List<Boolean> exists = spec.replace() ? null : existing(classified.keys());
            int i = 0;
            for (int w = 0; w < classified.whole().size(); w++) {
                if (exists != null && exists.get(i++)) {
                    skipped++;
                } else if (page.dumps().get(w) != null) {
                    candidates.add(page.dumps().get(w));
                }
            }
            for (byte[] key : classified.streams()) {
                if (exists != null && exists.get(i++)) {
                    skipped++;
                } else {
                    wantedStreams.add(key);
                }
            }
            candidates = withinLimit(candidates);
            long room = room() - candidates.size();
            if (wantedStreams.size() > room) {
                wantedStreams = new ArrayList<>(wantedStreams.subList(0, (int) room));
            }
            int index = 0;
            for (byte[] key : wantedStreams) {
                Candidate rebuilt = rebuildStream(key, index++);
                if (rebuilt == null) {
                    filteredStreams++;
                } else {
                    candidates.add(rebuilt);
                }
            }
            if (commit(candidates, page.scanned().size(), skipped, page.filtered() + filteredStreams,
                    page.nextCursor())) {
                return;
            }
            log.debug("Copy {}: a key of the page changed on the target meanwhile; doing the page again", copyId);
        }
    }

    /** Keys the limit still lets this copy write. */
    private long room() {
        return spec.limit() == null ? Long.MAX_VALUE : spec.limit() - figures.get("copied");
    }

    /** The first keys of the page, as many as the limit lets through. */
    private List<Candidate> withinLimit(List<Candidate> candidates) {
        long room = room();
        return candidates.size() > room ? new ArrayList<>(candidates.subList(0, (int) room)) : candidates;
    }

    private List<Boolean> existing(byte[][] keys) {
        Pipeline p = target.pipelined();
        List<Response<Boolean>> answers = new ArrayList<>();
        for (byte[] key : keys) {
            answers.add(p.exists(key));
        }
        p.sync();
        return answers.stream().map(Response::get).toList();
    }

    /**
     * Writes the stream's passing entries (in id order, thinned by each_n/each_s as one entry of
     * records) to a scratch key on the target. Null when no entry passed: the stream is filtered out.
     */
    private Candidate rebuildStream(byte[] key, int index) {
        Jedis source = streamSource;
        byte[] scratch = bytes(CopyRun.MARKER_PREFIX + copyId + ":scratch:" + index);
        target.del(scratch);
        long ttl = source.pttl(key);
        byte[] start = bytes(spec.startMillis() == null ? "-" : spec.startMillis() + "-0");
        byte[] end = bytes("+");
        long kept = 0;
        long seen = 0;
        long lastKeptMillis = Long.MIN_VALUE;
        Long eachMillis = spec.eachS() == null ? null : Math.round(spec.eachS() * 1000);
        boolean more = true;
        boolean exclusiveStart = false;
        while (more) {
            List<Object> page = xrange(source, key, start, end, exclusiveStart);
            more = page.size() == STREAM_PAGE;
            Pipeline writes = target.pipelined();
            for (Object item : page) {
                List<?> entry = (List<?>) item;
                byte[] id = (byte[]) entry.get(0);
                long millis = entryMillis(id);
                start = id;
                exclusiveStart = true;
                if (spec.stopMillis() != null && millis >= spec.stopMillis()) {
                    more = false;
                    break;
                }
                List<?> fieldValues = (List<?>) entry.get(1);
                Map<String, String> labels = new LinkedHashMap<>();
                for (int f = 0; f + 1 < fieldValues.size(); f += 2) {
                    labels.put(text((byte[]) fieldValues.get(f)), text((byte[]) fieldValues.get(f + 1)));
                }
                if (!filter.passes(labels)) {
                    continue;
                }
                long n = seen++;
                if (spec.eachN() != null && n % spec.eachN() != 0) {
                    continue;
                }
                if (eachMillis != null && lastKeptMillis != Long.MIN_VALUE && millis - lastKeptMillis < eachMillis) {
                    continue;
                }
                lastKeptMillis = millis;
                byte[][] args = new byte[2 + fieldValues.size()][];
                args[0] = scratch;
                args[1] = id;
                for (int f = 0; f < fieldValues.size(); f++) {
                    args[2 + f] = (byte[]) fieldValues.get(f);
                }
                writes.sendCommand(Protocol.Command.XADD, args);
                kept++;
            }
            writes.pexpire(scratch, SCRATCH_KEPT_MILLIS); // a crash leaves no scratch key for good
            writes.sync();
        }
        if (kept == 0) {
            return null;
        }
        return new Candidate(key, ttl == -2 ? 0 : Math.max(ttl, 0), null, scratch);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> xrange(Jedis source, byte[] key, byte[] start, byte[] end, boolean exclusive) {
        byte[] from = exclusive ? RedisBytes.concat(bytes("("), start) : start;
        return (List<Object>) source.sendCommand(Protocol.Command.XRANGE, key, from, end, bytes("COUNT"),
                bytes(Integer.toString(STREAM_PAGE)));
    }

    private static long entryMillis(byte[] id) {
        String text = text(id);
        int dash = text.indexOf('-');
        return Long.parseLong(dash < 0 ? text : text.substring(0, dash));
    }

    /**
     * One page as one script on the target: each RESTORE (a key that exists is skipped, BUSYKEY,
     * unless replace) and the marker's figures after it, counted by the script itself. Atomic as
     * MULTI/EXEC is, in one round trip and without WATCH or a look at which keys exist first.
     */
    private static final String BATCH_SCRIPT = """
            local replace = ARGV[1] == '1'
            local n = tonumber(ARGV[2])
            local copied, skipped, failed = 0, 0, 0
            local errors = {}
            for i = 1, n do
              local r
              if replace then
                r = redis.pcall('RESTORE', KEYS[i + 1], ARGV[1 + 2 * i], ARGV[2 + 2 * i], 'REPLACE')
              else
                r = redis.pcall('RESTORE', KEYS[i + 1], ARGV[1 + 2 * i], ARGV[2 + 2 * i])
              end
              if type(r) == 'table' and r.err then
                if string.sub(r.err, 1, 7) == 'BUSYKEY' then
                  skipped = skipped + 1
                else
                  failed = failed + 1
                  errors[#errors + 1] = r.err
                end
              else
                copied = copied + 1
              end
            end
            local base = 3 + 2 * n
            redis.call('HSET', KEYS[1], 'copied', tonumber(ARGV[base]) + copied,
              'skipped', tonumber(ARGV[base + 1]) + skipped, 'failed', tonumber(ARGV[base + 2]) + failed,
              unpack(ARGV, base + 3))
            for _, e in ipairs(errors) do
              redis.call('HINCRBY', KEYS[1], 'error:' .. e, 1)
            end
            local out = {copied, skipped, failed}
            for _, e in ipairs(errors) do
              out[#out + 1] = e
            end
            return out
            """;

    /** Whether the target runs our page script (a Redis outside RedTrove may forbid scripts). */
    private boolean scripted() {
        if (scriptsAllowed == null) {
            try {
                scriptSha = target.scriptLoad(bytes(BATCH_SCRIPT));
                scriptsAllowed = true;
            } catch (JedisDataException e) {
                log.info("Copy {}: the target runs no scripts ({}); pages go as MULTI/EXEC", copyId, e.getMessage());
                scriptsAllowed = false;
            }
        }
        return scriptsAllowed;
    }

    private void scriptCommit(List<Candidate> candidates, int scannedNow, long filteredNow, byte[] nextCursor) {
        List<byte[]> keys = new ArrayList<>(candidates.size() + 1);
        List<byte[]> args = new ArrayList<>(2 * candidates.size() + 20);
        keys.add(marker);
        args.add(bytes(spec.replace() ? "1" : "0"));
        args.add(bytes(Integer.toString(candidates.size())));
        for (Candidate c : candidates) {
            keys.add(c.key());
            args.add(bytes(Long.toString(c.ttl())));
            args.add(c.payload());
        }
        args.add(bytes(Long.toString(figures.get("copied"))));
        args.add(bytes(Long.toString(figures.get("skipped"))));
        args.add(bytes(Long.toString(figures.get("failed"))));
        long scanned = figures.get("scanned") + scannedNow;
        long filtered = figures.get("filtered") + filteredNow;
        long elapsed = figures.elapsedAfterThisPage();
        for (String[] pair : new String[][] {{"scanned", Long.toString(scanned)}, {"filtered", Long.toString(filtered)},
                {"elapsed_ms", Long.toString(elapsed)}, {"total", Long.toString(figures.total())}}) {
            args.add(bytes(pair[0]));
            args.add(bytes(pair[1]));
        }
        args.add(bytes("cursor"));
        args.add(nextCursor);
        List<?> result;
        try {
            result = (List<?>) target.evalsha(scriptSha, keys, args);
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                scriptsAllowed = null; // the target restarted: load it again, then the same page
                if (scripted()) {
                    scriptCommit(candidates, scannedNow, filteredNow, nextCursor);
                    return;
                }
            }
            throw e;
        }
        figures.add("copied", (Long) result.get(0));
        figures.add("skipped", (Long) result.get(1));
        figures.add("failed", (Long) result.get(2));
        figures.set("scanned", scanned);
        figures.set("filtered", filtered);
        figures.set("elapsed_ms", elapsed);
        for (int i = 3; i < result.size(); i++) {
            figures.refused(text((byte[]) result.get(i)), 1);
        }
    }

    /**
     * Writes the page and the marker in one transaction. False when a WATCHed key changed: nothing
     * was written (the scratch streams are rebuilt on the next try).
     */
    private boolean commit(List<Candidate> candidates, int scannedNow, long skippedNow, long filteredNow,
                           byte[] nextCursor) {
        Transaction tx = target.multi();
        List<Response<String>> restores = new ArrayList<>();
        RestoreParams replace = RestoreParams.restoreParams().replace();
        long streams = 0;
        for (Candidate c : candidates) {
            if (c.scratch() == null) {
                restores.add(spec.replace() ? tx.restore(c.key(), c.ttl(), c.payload(), replace)
                        : tx.restore(c.key(), c.ttl(), c.payload()));
            } else {
                tx.rename(c.scratch(), c.key());
                if (c.ttl() > 0) {
                    tx.pexpire(c.key(), c.ttl());
                } else {
                    tx.persist(c.key());
                }
                streams++;
            }
        }
        // every RESTORE is of a key WATCHed and absent (or replaced): each one succeeds unless the
        // target refuses the payload itself, which the marker then counts right after
        Map<String, Long> after = new LinkedHashMap<>();
        after.put("scanned", figures.get("scanned") + scannedNow);
        after.put("copied", figures.get("copied") + restores.size() + streams);
        after.put("skipped", figures.get("skipped") + skippedNow);
        after.put("failed", figures.get("failed"));
        after.put("filtered", figures.get("filtered") + filteredNow);
        after.put("elapsed_ms", figures.elapsedAfterThisPage());
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        after.forEach((k, v) -> fields.put(bytes(k), bytes(Long.toString(v))));
        fields.put(bytes("cursor"), nextCursor);
        fields.put(bytes("total"), bytes(Long.toString(figures.total())));
        tx.hset(marker, fields);
        List<Object> results = tx.exec();
        if (results == null) {
            return false;
        }
        Map<String, Long> refused = new LinkedHashMap<>();
        for (Response<String> r : restores) {
            try {
                r.get();
            } catch (JedisDataException e) {
                refused.merge(e.getMessage() == null ? "error" : e.getMessage(), 1L, Long::sum);
            }
        }
        after.forEach(figures::set);
        if (!refused.isEmpty()) {
            long count = refused.values().stream().mapToLong(Long::longValue).sum();
            figures.add("copied", -count);
            figures.add("failed", count);
            refused.forEach(figures::refused);
            Pipeline p = target.pipelined();
            p.hset(marker, bytes("copied"), bytes(Long.toString(figures.get("copied"))));
            p.hset(marker, bytes("failed"), bytes(Long.toString(figures.get("failed"))));
            figures.errors().forEach((message, n) -> p.hset(marker, bytes("error:" + message), bytes(Long.toString(n))));
            p.sync();
        }
        return true;
    }
}
