package org.redtrove.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Reads the stamped stream entries of {@link RecordLoad.Shape#STAMPED_HALF_IDLE} as they arrive on
 * a task's target and keeps, per entry, receipt minus send time. One blocking XREAD over every
 * stream, so an entry is read as soon as the EXEC that applies it wakes the reader: no polling
 * interval, only the wake-up and the reply's parsing are added to the lag it measures.
 */
final class StampReader implements AutoCloseable {

    private final Jedis target;
    private final Thread thread;
    private final Map<String, StreamEntryID> after = new LinkedHashMap<>();
    private final List<Double> lagMillis = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long received;
    private volatile long filteredOutReceived;
    private volatile Throwable failure;

    StampReader(Jedis target) {
        this.target = target;
        for (int i = 0; i < RecordLoad.STAMPED_STREAMS; i++) {
            after.put("f:s:" + i, new StreamEntryID(0, 0));
        }
        thread = new Thread(this::run, "stamp-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        XReadParams params = XReadParams.xReadParams().count(10_000).block(100);
        try {
            while (running) {
                List<Map.Entry<String, List<StreamEntry>>> reply = target.xread(params, after);
                long at = RecordLoad.nowMicros();
                if (reply == null) {
                    continue;
                }
                for (Map.Entry<String, List<StreamEntry>> stream : reply) {
                    List<StreamEntry> entries = stream.getValue();
                    for (StreamEntry e : entries) {
                        if (!"working".equals(e.getFields().get("engine_status"))) {
                            filteredOutReceived++;
                            continue;
                        }
                        long sent = Long.parseLong(e.getFields().get(RecordLoad.SENT_FIELD));
                        synchronized (lagMillis) {
                            lagMillis.add((at - sent) / 1000.0);
                        }
                    }
                    received += entries.size();
                    after.put(stream.getKey(), entries.get(entries.size() - 1).getID());
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                failure = e;
            }
        }
    }

    /** Entries that passed the filter and arrived, with a lag each. */
    List<Double> lagMillis() {
        synchronized (lagMillis) {
            return List.copyOf(lagMillis);
        }
    }

    /** Every entry received, passing or not. */
    long received() {
        return received;
    }

    /** Entries that should have been filtered out (engine_status idle) but arrived: 0 if the filter works. */
    long filteredOutReceived() {
        return filteredOutReceived;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
        target.close();
    }
}
