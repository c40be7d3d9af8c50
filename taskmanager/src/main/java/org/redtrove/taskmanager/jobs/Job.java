package org.redtrove.taskmanager.jobs;

import java.util.UUID;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.redtrove.common.JobState;

/** One job row. {@code step} is the last step that completed; a resumed job starts after it. */
public record Job(UUID id, JobKind kind, String projectId, UUID instanceId, JobParams params, JobState state,
                  String step, int attempts) {
}
