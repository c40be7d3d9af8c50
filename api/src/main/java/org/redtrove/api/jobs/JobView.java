package org.redtrove.api.jobs;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** One job as the extension route {@code GET /instances/{id}/jobs} shows it. */
public record JobView(UUID id, String kind, String state, String step, String error, String created,
                      String updated, String finished, JsonNode progress) {
}
