package org.redtrove.benchmarks;

import java.time.Duration;
import org.redtrove.benchmarks.FailoverTarget.Master;

/**
 * A planned switchover under an application's writes, as a tenant or an operator asks for one:
 * RedTrove's promote of a replica, or {@code SENTINEL FAILOVER}. The writes go through
 * {@link SentinelClientWriter} (JedisSentinelPool), and are judged as a fault's are: the time from
 * the request to the first write on the new master, the pool's lag behind the moment a replica
 * answered as master ({@link RoleWatch}), the longest time without an acknowledged write, and the
 * writes a demoted master took.
 */
final class PromoteRunner {

    /**
     * One switchover: request → another member answers as master ({@code promotedMillis}, -1
     * when none did), the write pause the system reports for it ({@code systemPauseMillis}, -1 when
     * it reports none), and the pool's figures from the request on.
     */
    record PromoteRun(double promotedMillis, double systemPauseMillis, SentinelClientWriter.Figures client) {
    }

    /** After the pool's first write on the new master: its steady writing is part of the window. */
    private static final Duration TAIL = Duration.ofMillis(300);

    PromoteRun run(FailoverTarget target, String key) throws Exception {
        Master old = target.master();
        int oldPort = old.endpoint().port();
        try (SentinelClientWriter client = SentinelClientWriter.start(target.discovery(), key);
             RoleWatch watch = new RoleWatch(target.members(), oldPort)) {
            client.acks().awaitCount(200, 30_000);
            long requested = target.requestSwitchover(old);
            double systemPause = target.awaitSwitchedOver(old);
            client.acks().awaitFirstElsewhere(requested, oldPort, SentinelClientWriter.FOLLOW_TIMEOUT.toMillis());
            Thread.sleep(TAIL.toMillis());
            long end = System.nanoTime();
            client.close();
            long promotedAt = watch.masterAt();
            return new PromoteRun(promotedAt < 0 ? -1 : (promotedAt - requested) / 1e6, systemPause,
                    client.figures(target.master().endpoint(), oldPort, requested, promotedAt, end));
        }
    }
}
