package org.redtrove.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Finds an instance of the project by id or by name, as the stock clients do. */
final class Instances {

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Instances() {
    }

    /** The project's instances, id to name, for showing settings that hold ids. */
    static java.util.Map<String, String> names(Api api) {
        java.util.Map<String, String> names = new java.util.HashMap<>();
        for (JsonNode i : api.get("/instances").path("instances")) {
            names.put(i.path("id").asString(), i.path("name").asString());
        }
        return names;
    }

    /** The instance's detail ({@code "instance"} of {@code GET /instances/{id}}). */
    static JsonNode find(Api api, String reference) {
        if (UUID.matcher(reference).matches()) {
            return api.get("/instances/" + reference).path("instance");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode i : api.get("/instances").path("instances")) {
            if (reference.equals(i.path("name").asString(null))) {
                ids.add(i.path("id").asString());
            }
        }
        if (ids.isEmpty()) {
            throw new ClientError("No instance with a name or ID of '" + reference + "' exists.");
        }
        if (ids.size() > 1) {
            throw new ClientError("More than one instance is named '" + reference + "': give its ID");
        }
        return api.get("/instances/" + ids.get(0)).path("instance");
    }
}
