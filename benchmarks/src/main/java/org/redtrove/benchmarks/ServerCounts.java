package org.redtrove.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/** What the tasks part reads from the servers themselves: records applied, offsets, quiet, log lines. */
final class ServerCounts {

    private ServerCounts() {
    }

    /**
     * SET, HSET and XADD a server executed (INFO commandstats counts those inside MULTI … EXEC too),
     * less one HSET per EXEC: the position a task's sender records in each batch. On a replica or
     * a plain target of writes there are no EXECs, and it is the writes themselves.
     */
    static long recordsApplied(Jedis j) {
        long n = 0;
        for (String line : j.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_set:") || line.startsWith("cmdstat_hset:")
                    || line.startsWith("cmdstat_xadd:")) {
                n += calls(line);
            } else if (line.startsWith("cmdstat_exec:")) {
                n -= calls(line);
            }
        }
        return n;
    }

    private static long calls(String line) {
        int from = line.indexOf("calls=") + "calls=".length();
        int to = line.indexOf(',', from);
        return Long.parseLong(line.substring(from, to < 0 ? line.length() : to));
    }

    /** A replication offset from INFO replication: master_repl_offset, or slave_repl_offset on a replica. */
    static long offset(Jedis j, String field) {
        return Long.parseLong(Benchmarks.info(j, "replication", field));
    }

    /** Waits until none of these servers is saving or rewriting its AOF: a phase is not charged for the last one's. */
    static void awaitQuiet(Jedis... servers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            boolean quiet = true;
            for (Jedis j : servers) {
                String p = j.info("persistence");
                quiet &= p.contains("rdb_bgsave_in_progress:0") && p.contains("aof_rewrite_in_progress:0")
                        && p.contains("aof_rewrite_scheduled:0");
            }
            if (quiet) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Lines of the redis.log files under {@code dir} holding any of these, each after its instance (at most 20). */
    static List<String> logLines(Path dir, String... needles) throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path log : files.filter(f -> f.getFileName().toString().equals("redis.log")).toList()) {
                for (String line : Files.readAllLines(log)) {
                    if (found.size() < 20 && Stream.of(needles).anyMatch(line::contains)) {
                        found.add(log.getParent().getFileName() + ": " + line);
                    }
                }
            }
        }
        return found;
    }
}
