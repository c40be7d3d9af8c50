package org.redtrove.guestagent.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the included replication.conf says: how this instance serves replicas (source) and which master
 * it follows (upstream). Every replication change is written here and applied live in the same step,
 * so a restarted Redis comes back in the role it had, without the agent replaying anything.
 *
 * @param source   null until ConfigureSource ran: Redis's defaults apply, overridden by redis.conf
 * @param upstream null for a master
 */
record ReplicationSettings(Source source, Upstream upstream) {

    static final ReplicationSettings NONE = new ReplicationSettings(null, null);

    /**
     * @param minReplicasToWrite min-replicas-to-write: the master's fencing (0 = off)
     * @param minReplicasMaxLag  min-replicas-max-lag, in seconds
     */
    record Source(boolean disklessSync, int disklessSyncDelaySeconds, int minReplicasToWrite,
                  int minReplicasMaxLag) {
    }

    /**
     * @param masterUser the user this replica logs in to its master as; null for a replica attached
     *                   before ACLs, which logs in as the default user with the tenant's password
     */
    record Upstream(String host, int port, String masterUser, String masterPassword) {

        /** How the agent reaches this master itself, with the replica's own credentials. */
        RedisEndpoint endpoint(Duration timeout) {
            return new RedisEndpoint(host, port, masterUser, masterPassword, timeout);
        }

        /** Never print the master password. */
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    ReplicationSettings withSource(Source s) {
        return new ReplicationSettings(s, upstream);
    }

    ReplicationSettings withUpstream(Upstream u) {
        return new ReplicationSettings(source, u);
    }

    String render() {
        StringBuilder b = new StringBuilder();
        b.append("# Written by the RedTrove guest agent and replaced whole on every replication change.\n");
        if (source != null) {
            b.append("# source\n");
            b.append("repl-diskless-sync ").append(source.disklessSync() ? "yes" : "no").append('\n');
            b.append("repl-diskless-sync-delay ").append(source.disklessSyncDelaySeconds()).append('\n');
            b.append("min-replicas-to-write ").append(source.minReplicasToWrite()).append('\n');
            b.append("min-replicas-max-lag ").append(source.minReplicasMaxLag()).append('\n');
        }
        if (upstream != null) {
            b.append("# replica\n");
            b.append("replicaof ").append(upstream.host()).append(' ').append(upstream.port()).append('\n');
            if (upstream.masterUser() != null) {
                b.append("masteruser ").append(upstream.masterUser()).append('\n');
            }
            b.append("masterauth ").append(ConfigText.quote(upstream.masterPassword())).append('\n');
            b.append("replica-read-only yes\n");
        }
        return b.toString();
    }

    static ReplicationSettings parse(String text) {
        Boolean diskless = null;
        int delay = 0;
        // Redis's defaults: what a file written before fencing means.
        int minReplicas = 0;
        int maxLag = 10;
        String host = null;
        int port = 0;
        String user = null;
        String auth = null;
        for (String line : text.split("\n")) {
            List<String> words = ConfigText.split(line);
            if (words.size() < 2) {
                continue;
            }
            switch (words.get(0)) {
                case "repl-diskless-sync" -> diskless = "yes".equals(words.get(1));
                case "repl-diskless-sync-delay" -> delay = Integer.parseInt(words.get(1));
                case "min-replicas-to-write" -> minReplicas = Integer.parseInt(words.get(1));
                case "min-replicas-max-lag" -> maxLag = Integer.parseInt(words.get(1));
                case "replicaof" -> {
                    host = words.get(1);
                    port = Integer.parseInt(words.get(2));
                }
                case "masteruser" -> user = words.get(1);
                case "masterauth" -> auth = words.get(1);
                default -> {
                }
            }
        }
        return new ReplicationSettings(diskless == null ? null : new Source(diskless, delay, minReplicas, maxLag),
                host == null ? null : new Upstream(host, port, user, auth));
    }

    /** Never print the master password. */
    @Override
    public String toString() {
        return "ReplicationSettings[source=" + source + ", upstream="
                + (upstream == null ? "none" : upstream.host() + ":" + upstream.port()) + "]";
    }

    /** Quoting as redis.conf reads it (sdssplitargs): double quotes, backslash escapes. */
    static final class ConfigText {

        private ConfigText() {
        }

        static String quote(String value) {
            return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }

        static List<String> split(String line) {
            List<String> words = new ArrayList<>();
            String s = line.strip();
            if (s.startsWith("#")) {
                return words;
            }
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '"') {
                    StringBuilder w = new StringBuilder();
                    i++;
                    while (i < s.length() && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                            i++;
                        }
                        w.append(s.charAt(i++));
                    }
                    i++;
                    words.add(w.toString());
                } else {
                    int start = i;
                    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                        i++;
                    }
                    words.add(s.substring(start, i));
                }
            }
            return words;
        }
    }
}
