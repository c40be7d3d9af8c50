package org.redtrove.common;

import java.util.UUID;

/** What travels on the jobs queue: a pointer. The job row in PostgreSQL holds everything else. */
public record JobMessage(UUID jobId) {
}
