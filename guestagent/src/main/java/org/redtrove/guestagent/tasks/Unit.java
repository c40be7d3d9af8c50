package org.redtrove.guestagent.tasks;

import java.util.List;

/**
 * What one source command, or one MULTI … EXEC of the source, became after filtering: the records
 * that passed, applied on the target together or not at all, and the stream position after it.
 */
record Unit(String replId, long endOffset, int db, List<TaskRecord> records) {
}
