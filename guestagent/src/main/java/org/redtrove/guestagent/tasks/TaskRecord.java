package org.redtrove.guestagent.tasks;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One write as it will be applied on the target: one command on one key (a multi-key command of
 * the source is split per key where that keeps its meaning), or one keyless write.
 *
 * @param db            the source database the write was made in
 * @param argv          the command and its arguments, exactly as the source's stream carried them
 * @param arrivalMillis when the reader received it (the start of the end-to-end lag)
 */
record TaskRecord(int db, List<byte[]> argv, long arrivalMillis) {

    String name() {
        return new String(argv.get(0), StandardCharsets.UTF_8).toUpperCase();
    }
}
