package org.redtrove.guestagent.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.ReplicationInfo.ReplicaLink;

/**
 * Parses Redis's INFO replication text. The fields the agent tracks itself are left at "unknown"
 * here: {@link ReplicationTracking} fills in millisSinceMasterIo and syncCompleted, and
 * {@link ManagedInstance} millisSinceMasterAnswered from its master pinger.
 */
public final class InfoReplication {

    private InfoReplication() {
    }

    public static Map<String, String> fields(String info) {
        Map<String, String> fields = new HashMap<>(256);
        int start = 0;
        while (start < info.length()) {
            int end = info.indexOf('\n', start);
            if (end < 0) {
                end = info.length();
            }
            int colon = info.indexOf(':', start);
            if (colon > start && colon < end && info.charAt(start) != '#') {
                fields.put(info.substring(start, colon), info.substring(colon + 1, end).trim());
            }
            start = end + 1;
        }
        return fields;
    }

    public static ReplicationInfo parse(String info) {
        return parse(info, null);
    }

    /** @param stats INFO stats, for the sync counters; null to leave them out */
    static ReplicationInfo parse(String info, String stats) {
        return parse(fields(info), stats == null ? null : fields(stats));
    }

    /**
     * From fields already read ({@link #fields}): a probe reads its one INFO of several sections
     * once, at 500 instances a second.
     *
     * @param stats INFO stats' fields, for the sync counters; null to leave them out
     */
    static ReplicationInfo parse(Map<String, String> f, Map<String, String> stats) {
        ReplicationInfo.SyncCounts syncs = null;
        if (stats != null) {
            syncs = new ReplicationInfo.SyncCounts(number(stats, "sync_full", 0),
                    number(stats, "sync_partial_ok", 0), number(stats, "sync_partial_err", 0));
        }
        String role = f.getOrDefault("role", "master");
        boolean replica = "slave".equals(role);
        List<ReplicaLink> replicas = new ArrayList<>();
        for (int i = 0; f.containsKey("slave" + i); i++) {
            replicas.add(parseReplica(f.get("slave" + i)));
        }
        return new ReplicationInfo(
                role,
                replica ? f.get("master_host") : null,
                replica ? (int) number(f, "master_port", 0) : 0,
                replica && "up".equals(f.get("master_link_status")),
                replica && "1".equals(f.get("master_sync_in_progress")),
                replica ? number(f, "slave_repl_offset", 0) : number(f, "master_repl_offset", 0),
                f.get("master_replid"),
                f.get("master_replid2"),
                number(f, "second_repl_offset", -1),
                replica ? number(f, "master_last_io_seconds_ago", -1) : -1,
                -1,
                false,
                List.copyOf(replicas),
                -1,
                syncs,
                "1".equals(f.get("repl_backlog_active")) ? number(f, "repl_backlog_first_byte_offset", -1) : -1,
                replica && "1".equals(f.get("master_sync_in_progress")) && f.containsKey("master_sync_read_bytes")
                        ? new ReplicationInfo.SyncTransfer(number(f, "master_sync_read_bytes", 0),
                                number(f, "master_sync_total_bytes", -1))
                        : null);
    }

    /** The instance's own offset in its replication history, whatever its role. */
    static long masterReplOffset(String info) {
        return number(fields(info), "master_repl_offset", 0);
    }

    /** "ip=127.0.0.1,port=27001,state=online,offset=1234,lag=0" */
    static ReplicaLink parseReplica(String value) {
        Map<String, String> kv = new HashMap<>();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return new ReplicaLink(kv.get("ip"), (int) number(kv, "port", 0), kv.get("state"),
                number(kv, "offset", 0), number(kv, "lag", -1));
    }

    private static long number(Map<String, String> f, String key, long fallback) {
        String v = f.get(key);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
