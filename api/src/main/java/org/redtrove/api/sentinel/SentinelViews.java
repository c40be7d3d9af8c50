package org.redtrove.api.sentinel;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * Sentinel's views of masters, replicas and sentinels, field for field in sentinel.c's order
 * (addReplySentinelRedisInstance), every value a string: redis-py needs name, ip, port, flags and
 * num-other-sentinels; node-redis flags and config-epoch; Lettuce and go-redis flags to drop down or
 * disconnected replicas (shared/reference/sentinel-clients.md 1.3).
 */
final class SentinelViews {

    private SentinelViews() {
    }

    /** Another process serving this endpoint, as SENTINEL SENTINELS lists it. */
    record Peer(String runId, String host, int port, long seenMillisAgo) {
    }

    static LinkedHashMap<String, String> master(SetSnapshot set, SetSnapshot.Node shown, boolean switching,
                                                int otherSentinels, long downAfterMillis) {
        StringBuilder flags = new StringBuilder("master");
        if (set.masterDown()) {
            flags.append(",s_down,o_down");
        }
        if (switching) {
            flags.append(",failover_in_progress");
        }
        LinkedHashMap<String, String> f = common(set.name(), shown, flags.toString(), downAfterMillis);
        if (set.masterDown()) {
            f.put("s-down-time", Long.toString(Math.max(0, shown.reportAgeMillis() - downAfterMillis)));
            f.put("o-down-time", Long.toString(Math.max(0, shown.reportAgeMillis() - downAfterMillis)));
        }
        f.put("down-after-milliseconds", Long.toString(downAfterMillis));
        f.put("info-refresh", age(shown));
        f.put("role-reported", "master");
        f.put("role-reported-time", age(shown));
        f.put("config-epoch", Long.toString(set.epoch()));
        f.put("num-slaves", Integer.toString(set.replicas().size()));
        f.put("num-other-sentinels", Integer.toString(otherSentinels));
        f.put("quorum", "1");
        f.put("failover-timeout", "60000");
        f.put("parallel-syncs", "1");
        return f;
    }

    static LinkedHashMap<String, String> replica(SetSnapshot.Node replica, SetSnapshot.Node master,
                                                 long downAfterMillis) {
        String flags = "slave";
        if (replica.reportAgeMillis() < 0) {
            flags += ",disconnected";
        } else if (replica.reportAgeMillis() > downAfterMillis) {
            flags += ",s_down";
        }
        LinkedHashMap<String, String> f = common(replica.address(), replica, flags, downAfterMillis);
        if (flags.contains("s_down")) {
            f.put("s-down-time", Long.toString(replica.reportAgeMillis() - downAfterMillis));
        }
        f.put("down-after-milliseconds", Long.toString(downAfterMillis));
        f.put("info-refresh", age(replica));
        f.put("role-reported", "slave");
        f.put("role-reported-time", age(replica));
        boolean linked = replica.linkUp() && master != null && replica.sameMaster(master);
        f.put("master-link-down-time", "0");
        f.put("master-link-status", linked ? "ok" : "err");
        f.put("master-host", master != null ? master.ip() : nonNull(replica.masterHost()));
        f.put("master-port", Integer.toString(master != null ? master.port() : replica.masterPort()));
        f.put("slave-priority", "100");
        f.put("slave-repl-offset", Long.toString(replica.offset()));
        f.put("replica-announced", "1");
        return f;
    }

    static LinkedHashMap<String, String> sentinel(Peer peer, long downAfterMillis) {
        LinkedHashMap<String, String> f = new LinkedHashMap<>();
        f.put("name", peer.runId());
        f.put("ip", peer.host());
        f.put("port", Integer.toString(peer.port()));
        f.put("runid", peer.runId());
        f.put("flags", "sentinel");
        f.put("link-pending-commands", "0");
        f.put("link-refcount", "1");
        f.put("last-ping-sent", "0");
        f.put("last-ok-ping-reply", Long.toString(peer.seenMillisAgo()));
        f.put("last-ping-reply", Long.toString(peer.seenMillisAgo()));
        f.put("down-after-milliseconds", Long.toString(downAfterMillis));
        f.put("last-hello-message", Long.toString(peer.seenMillisAgo()));
        f.put("voted-leader", "?");
        f.put("voted-leader-epoch", "0");
        return f;
    }

    /** The payload of {@code +slave} after a switch (sentinel.c's %@ of a replica). */
    static String slaveEvent(String setName, SetSnapshot.Node replica, SetSnapshot.Node master) {
        return "slave " + replica.address() + " " + replica.ip() + " " + replica.port() + " @ " + setName + " "
                + master.ip() + " " + master.port();
    }

    static String switchMasterEvent(String setName, SetSnapshot.Node from, SetSnapshot.Node to) {
        return setName + " " + from.ip() + " " + from.port() + " " + to.ip() + " " + to.port();
    }

    private static LinkedHashMap<String, String> common(String name, SetSnapshot.Node node, String flags,
                                                        long downAfterMillis) {
        LinkedHashMap<String, String> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("ip", node.ip());
        f.put("port", Integer.toString(node.port()));
        f.put("runid", runId(node));
        f.put("flags", flags);
        f.put("link-pending-commands", "0");
        f.put("link-refcount", "1");
        f.put("last-ping-sent", "0");
        f.put("last-ok-ping-reply", age(node));
        f.put("last-ping-reply", age(node));
        return f;
    }

    /** Sentinel's run ids are 40 hex characters; ours are the instance's id, padded. */
    private static String runId(SetSnapshot.Node node) {
        return node.instanceId().toString().replace("-", "") + "00000000";
    }

    private static String age(SetSnapshot.Node node) {
        return Long.toString(Math.max(0, node.reportAgeMillis()));
    }

    private static String nonNull(String s) {
        return s == null ? "?" : s;
    }

    static List<String> names(List<SetSnapshot> sets) {
        return sets.stream().map(SetSnapshot::name).toList();
    }
}
