package org.redtrove.deploy.dev;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waits for every part of a start that runs beside the others, keeping each that started, so
 * that a failure of one still stops the others; the first failure is thrown once all have ended.
 */
final class StartedTogether {

    private Exception failure;

    /** The part, once it has started; null when it failed (or was not started at all). */
    <T> T await(Future<T> part) throws InterruptedException {
        if (part == null) {
            return null;
        }
        try {
            return part.get();
        } catch (ExecutionException e) {
            Exception cause = e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
            if (failure == null) {
                failure = cause;
            } else {
                failure.addSuppressed(cause);
            }
            return null;
        }
    }

    boolean ok() {
        return failure == null;
    }

    void rethrow() throws Exception {
        if (failure != null) {
            throw failure;
        }
    }
}
