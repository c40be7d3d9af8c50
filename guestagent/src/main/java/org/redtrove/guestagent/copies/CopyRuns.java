package org.redtrove.guestagent.copies;

import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.redtrove.common.CopyOrder;
import org.redtrove.common.CopyProgress;
import org.springframework.stereotype.Component;

/**
 * The copies this agent runs, one thread each. Asking for a copy starts it unless it runs here
 * already; one whose run ended on a connection failure (RETRYING) starts again, from its marker on
 * the target, with the endpoints of the new order (a target set's master may have moved). The
 * answer waits (up to three seconds) until a new run is past connecting, so a refused connection or
 * password is answered at once; a run still connecting by then is answered with the last run's
 * trouble. Ended copies are remembered for ten minutes, so the taskmanager reads their outcome.
 */
@Component
public class CopyRuns {

    private static final long KEEP_ENDED_MILLIS = 600_000;
    private static final long SETTLE_MILLIS = 3_000;

    private record Running(CopyRun run, Thread thread, long startedAt) {
    }

    private final Map<UUID, Running> runs = new ConcurrentHashMap<>();

    public CopyProgress ensure(CopyOrder order) {
        CopyRun run;
        CopyProgress before = null;
        synchronized (this) {
            forgetOld();
            Running current = runs.get(order.copyId());
            if (current != null) {
                CopyProgress progress = current.run().progress();
                boolean ended = !current.thread().isAlive();
                if (!ended || progress.finished()) {
                    return progress;
                }
                before = progress; // RETRYING: run it again
            }
            run = new CopyRun(order);
            Thread thread = new Thread(run, "copy-" + order.copyId().toString().substring(0, 8));
            thread.setDaemon(true);
            runs.put(order.copyId(), new Running(run, thread, System.currentTimeMillis()));
            thread.start();
        }
        // outside the lock: another copy's request is not held up while this one connects
        boolean settled;
        try {
            settled = run.awaitSettled(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            settled = false;
        }
        if (!settled && before != null) {
            return before; // still connecting: the trouble goes on as far as anyone knows
        }
        return run.progress();
    }

    private void forgetOld() {
        long now = System.currentTimeMillis();
        runs.values().removeIf(r -> !r.thread().isAlive() && now - r.startedAt() > KEEP_ENDED_MILLIS);
    }

    @PreDestroy
    void stopAll() throws InterruptedException {
        runs.values().forEach(r -> r.run().stop());
        for (Running r : runs.values()) {
            r.thread().join(5_000);
        }
    }
}
