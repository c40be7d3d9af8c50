package org.redtrove.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.benchmarks.TaskApi.Instance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import tools.jackson.databind.JsonNode;

/**
 * The copy part (README, "Copies"): {@code redtrove cp}'s server-side copy of a million small keys
 * (strings, hashes and one-entry streams, a third each) between two instances of a fresh dev mode,
 * unfiltered and with a key filter that keeps half, beside the raw limit measured in the same run:
 * SCAN (COUNT 1000, as the copy), pipelined DUMP/PTTL and pipelined RESTORE of the same keys by a plain Jedis loop, without
 * filters, markers or transactions. Keys/s are keys written (or scanned, for the filtered copy)
 * over the copy's own elapsed time, as the API reports it; figures, not assertions.
 */
final class CopyBenchmark {

    /** redis.large (2 GB): two copies of a million keys fit in one instance with room. */
    private static final int FLAVOR = 4;
    private static final double GOAL = 100_000;
    private static final double RATIO_GOAL = 1.2;

    private final TaskApi api;
    private final TroveApi trove;
    private final int keys;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<String[]> rows = new ArrayList<>();

    private CopyBenchmark(TroveApi trove, int keys) {
        this.trove = trove;
        this.api = new TaskApi(trove);
        this.keys = keys;
    }

    static Map<String, Object> run(Path jar, Path work, int keys, Path jsonOut) throws Exception {
        System.out.printf("copy: %,d keys, three copies and the raw loop on a fresh dev mode, about 2 min%n", keys);
        String name = jsonOut.getFileName().toString().replaceFirst("\\.json$", "");
        Path devLog = jsonOut.toAbsolutePath().resolveSibling(name + "-copy-dev-mode.log");
        try (DevModeProcess dev = new DevModeProcess(jar, work.resolve("dev"))) {
            TroveApi trove = new TroveApi(dev.url());
            trove.login("admin", dev.adminPassword(), "admin");
            CopyBenchmark b = new CopyBenchmark(trove, keys);
            try {
                b.runAll();
            } finally {
                Files.createDirectories(devLog.getParent());
                Files.write(devLog, dev.output());
            }
            b.json.put("devModeLog", devLog.toString());
            return b.json;
        }
    }

    private void runAll() throws Exception {
        Instance a = api.create("copy-a", FLAVOR);
        Instance b = api.create("copy-b", FLAVOR);
        long loadStarted = System.nanoTime();
        load(a);
        json.put("keys", keys);
        json.put("loadSeconds", round((System.nanoTime() - loadStarted) / 1e9));

        Map<String, Object> unfiltered = copy(a, b, "");
        double unfilteredRate = (double) unfiltered.get("keysCopiedPerSecond");
        json.put("unfiltered", unfiltered);
        flush(b);
        Map<String, Object> half = copy(a, b, ",\"entries\":[\"*[02468]\"]");
        json.put("filteredHalf", half);
        flush(b);
        Map<String, Object> raw = raw(a, b);
        double rawRate = (double) raw.get("keysPerSecond");
        json.put("rawLimit", raw);
        double ratio = rawRate / unfilteredRate;
        json.put("rawOverCopy", round(ratio));

        rows.add(new String[] {"cp unfiltered: keys copied/s", perSecond(unfilteredRate),
                String.format("%,d keys in %.1f s (wall %.1f s from POST)", (long) unfiltered.get("copied"),
                        (double) unfiltered.get("elapsedSeconds"), (double) unfiltered.get("wallSeconds")),
                "≥ 100,000/s" + verdict(unfilteredRate >= GOAL)});
        rows.add(new String[] {"raw limit: SCAN + pipelined DUMP/RESTORE, no filter", perSecond(rawRate),
                String.format("%,d keys in %.1f s", (long) raw.get("keys"), (double) raw.get("seconds")), ""});
        rows.add(new String[] {"raw limit / cp unfiltered", String.format("%.2f×", ratio), "",
                "≤ 1.2×" + verdict(ratio <= RATIO_GOAL)});
        rows.add(new String[] {"cp filtered (keeps half): keys scanned/s",
                perSecond((double) half.get("keysScannedPerSecond")),
                String.format("%,d of %,d copied, %,d filtered out, in %.1f s", (long) half.get("copied"),
                        (long) half.get("scanned"), (long) half.get("filtered"), (double) half.get("elapsedSeconds")),
                ""});
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"measure", "RedTrove", "beside", "goal"});
        table.addAll(rows);
        System.out.println();
        TextTable.print(table);
        json.put("table", rows.stream().map(List::of).toList());
    }

    /** A third strings, a third hashes (half of them status=working), a third one-entry streams. */
    private void load(Instance a) throws Exception {
        try (Jedis s = a.connect()) {
            Pipeline p = s.pipelined();
            for (int i = 0; i < keys; i++) {
                switch (i % 3) {
                    case 0 -> p.set("s:" + i, "value-" + i);
                    case 1 -> p.hset("h:" + i, Map.of("status", i % 2 == 0 ? "working" : "idle", "n", "" + i));
                    default -> p.xadd("x:" + i, StreamEntryID.NEW_ENTRY, Map.of("t", "" + i));
                }
                if (i % 10_000 == 9_999) {
                    p.sync();
                }
            }
            p.sync();
            System.out.printf("copy: %,d keys loaded into A (DBSIZE %,d)%n", keys, s.dbSize());
        }
    }

    private Map<String, Object> copy(Instance a, Instance b, String filters) throws Exception {
        long posted = System.nanoTime();
        TroveApi.Reply r = trove.call("POST", "/copies",
                "{\"copy\":{\"source\":\"" + a.id() + "\",\"target\":\"" + b.id() + "\"" + filters + "}}");
        if (r.status() != 202) {
            throw new IllegalStateException("copy refused: " + r.status() + " " + r.body());
        }
        String id = r.body().get("copy").get("id").asString();
        JsonNode copy;
        while (true) {
            copy = trove.call("GET", "/copies/" + id, null).body().get("copy");
            String state = copy.get("state").asString();
            if (state.equals("FAILED")) {
                throw new IllegalStateException("copy failed: " + copy);
            }
            if (state.equals("SUCCEEDED")) {
                break;
            }
            Thread.sleep(50);
        }
        double wall = (System.nanoTime() - posted) / 1e9;
        JsonNode p = copy.get("progress");
        double elapsed = p.get("elapsed_s").asDouble();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("filters", filters.isEmpty() ? "none" : filters.substring(1));
        out.put("scanned", p.get("scanned").asLong());
        out.put("copied", p.get("copied").asLong());
        out.put("skipped", p.get("skipped").asLong());
        out.put("filtered", p.get("filtered").asLong());
        out.put("failed", p.get("failed").asLong());
        out.put("elapsedSeconds", elapsed);
        out.put("wallSeconds", round(wall));
        out.put("keysCopiedPerSecond", round(p.get("copied").asLong() / elapsed));
        out.put("keysScannedPerSecond", round(p.get("scanned").asLong() / elapsed));
        out.put("summary", copy.get("summary").asString());
        System.out.printf("copy: %s: %s%n", out.get("filters"), out.get("summary"));
        return out;
    }

    /** The same copy by hand: what the servers and one connection each allow. */
    private Map<String, Object> raw(Instance a, Instance b) throws Exception {
        long copied = 0;
        long started = System.nanoTime();
        try (Jedis s = a.connect(); Jedis d = b.connect()) {
            byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
            ScanParams params = new ScanParams().count(1000); // the batch the copy uses
            do {
                ScanResult<byte[]> page = s.scan(cursor, params);
                List<byte[]> batch = page.getResult();
                Pipeline read = s.pipelined();
                List<Response<Long>> ttls = new ArrayList<>();
                List<Response<byte[]>> dumps = new ArrayList<>();
                for (byte[] key : batch) {
                    ttls.add(read.pttl(key));
                    dumps.add(read.dump(key));
                }
                read.sync();
                Pipeline write = d.pipelined();
                for (int i = 0; i < batch.size(); i++) {
                    if (dumps.get(i).get() != null) {
                        write.restore(batch.get(i), Math.max(0, ttls.get(i).get()), dumps.get(i).get());
                        copied++;
                    }
                }
                write.sync();
                cursor = page.getCursorAsBytes();
            } while (!java.util.Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keys", copied);
        out.put("seconds", round(seconds));
        out.put("keysPerSecond", round(copied / seconds));
        System.out.printf("copy: raw loop %,d keys in %.1f s%n", copied, seconds);
        return out;
    }

    private static void flush(Instance b) throws Exception {
        try (Jedis d = b.connect()) {
            d.flushAll();
        }
    }

    private static String perSecond(double rate) {
        return String.format("%,.0f/s", rate);
    }

    private static String verdict(boolean met) {
        return met ? " (met)" : " (NOT met)";
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
