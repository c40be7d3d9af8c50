package org.redtrove.api.instances;

import org.redtrove.api.fault.BadRequest;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /instances}, checked field by field so that a wrong type gets the same
 * kind of message Trove's jsonschema gives ({@code Validation error: instance['x'] ...}). Keys the
 * clients send that RedTrove does not use (access, nics, locality, ...) are accepted and ignored;
 * {@code slave_of} is read as the old name of {@code replica_of}.
 *
 * @param flavorRef    the flavor id as text; null when absent (allowed for replicas)
 * @param replicaCount null when absent
 */
record CreateInstanceRequest(String name, String flavorRef, Integer volumeSize, String datastoreType,
                             String datastoreVersion, String replicaOf, Integer replicaCount, String configuration,
                             String backupRef) {

    static CreateInstanceRequest parse(JsonNode body, int maxReplicas) {
        JsonNode instance = body.get("instance");
        if (instance == null) {
            throw BadRequest.validation("'instance' is a required property");
        }
        if (!instance.isObject()) {
            throw BadRequest.validation("instance " + show(instance) + " is not of type 'object'");
        }
        JsonNode nameNode = instance.get("name");
        if (nameNode == null) {
            throw BadRequest.validation("instance 'name' is a required property");
        }
        if (!nameNode.isString()) {
            throw BadRequest.validation("instance['name'] " + show(nameNode) + " is not of type 'string'");
        }
        String name = nameNode.asString();
        if (name.isBlank()) {
            throw BadRequest.validation("instance['name'] " + show(nameNode) + " must not be empty");
        }
        if (name.length() > 255) {
            throw BadRequest.validation("instance['name'] is too long (at most 255 characters)");
        }

        String flavorRef = null;
        JsonNode flavor = instance.get("flavorRef");
        if (flavor != null && !flavor.isNull()) {
            if (flavor.isString()) {
                flavorRef = flavor.asString();
            } else if (flavor.isIntegralNumber()) {
                flavorRef = flavor.asString();
            } else {
                throw BadRequest.validation("instance['flavorRef'] " + show(flavor)
                        + " is not of type 'string', 'integer'");
            }
        }

        Integer volumeSize = null;
        JsonNode volume = instance.get("volume");
        if (volume != null && !volume.isNull()) {
            if (!volume.isObject()) {
                throw BadRequest.validation("instance['volume'] " + show(volume) + " is not of type 'object'");
            }
            JsonNode size = volume.get("size");
            if (size == null) {
                throw BadRequest.validation("instance['volume'] 'size' is a required property");
            }
            volumeSize = positiveInt(size, "instance['volume']['size']");
            JsonNode type = volume.get("type");
            if (type != null && !type.isNull() && !type.isString()) {
                throw BadRequest.validation("instance['volume']['type'] " + show(type)
                        + " is not of type 'string', 'null'");
            }
        }

        String datastoreType = null;
        String datastoreVersion = null;
        JsonNode datastore = instance.get("datastore");
        if (datastore != null && !datastore.isNull()) {
            if (!datastore.isObject()) {
                throw BadRequest.validation("instance['datastore'] " + show(datastore) + " is not of type 'object'");
            }
            datastoreType = optionalString(datastore.get("type"), "instance['datastore']['type']");
            datastoreVersion = optionalString(datastore.get("version"), "instance['datastore']['version']");
        }

        // slave_of is the deprecated name of replica_of (Trove 13.0.0 still read it); replica_of wins
        String replicaOf = optionalString(instance.get("replica_of"), "instance['replica_of']");
        if (replicaOf == null) {
            replicaOf = optionalString(instance.get("slave_of"), "instance['slave_of']");
        }

        Integer replicaCount = null;
        JsonNode count = instance.get("replica_count");
        if (count != null && !count.isNull()) {
            if (!count.isIntegralNumber() || !count.canConvertToInt()) {
                throw BadRequest.validation("instance['replica_count'] " + show(count) + " is not of type 'integer'");
            }
            replicaCount = count.asInt();
            if (replicaCount < 1) {
                throw BadRequest.validation("instance['replica_count'] " + replicaCount
                        + " is less than the minimum of 1");
            }
            if (replicaCount > maxReplicas) {
                throw BadRequest.validation("instance['replica_count'] " + replicaCount
                        + " is greater than the maximum of " + maxReplicas);
            }
        }
        // a replica takes its source's group, whatever it names
        String configuration = optionalString(instance.get("configuration"), "instance['configuration']");
        // Trove's restorePoint: {"backupRef": id}, what `trove create --backup` sends
        String backupRef = null;
        JsonNode restorePoint = instance.get("restorePoint");
        if (restorePoint != null && !restorePoint.isNull()) {
            if (!restorePoint.isObject()) {
                throw BadRequest.validation("instance['restorePoint'] " + show(restorePoint)
                        + " is not of type 'object'");
            }
            backupRef = optionalString(restorePoint.get("backupRef"), "instance['restorePoint']['backupRef']");
            if (backupRef == null) {
                throw BadRequest.validation("instance['restorePoint'] 'backupRef' is a required property");
            }
        }
        return new CreateInstanceRequest(name, flavorRef, volumeSize, datastoreType, datastoreVersion, replicaOf,
                replicaCount, configuration == null || configuration.isEmpty() ? null : configuration, backupRef);
    }

    private static String optionalString(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw BadRequest.validation(path + " " + show(node) + " is not of type 'string'");
        }
        return node.asString();
    }

    /** A positive integer, also as a string of digits (Trove's volume size schema accepts both). */
    static int positiveInt(JsonNode node, String path) {
        int value;
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            value = node.asInt();
        } else if (node.isString() && node.asString().matches("[0-9]{1,9}")) {
            value = Integer.parseInt(node.asString());
        } else {
            throw BadRequest.validation(path + " " + show(node) + " is not of type 'integer'");
        }
        if (value < 1) {
            throw BadRequest.validation(path + " " + value + " is less than the minimum of 1");
        }
        return value;
    }

    /** A value as jsonschema prints it: strings quoted, everything else as JSON. */
    static String show(JsonNode node) {
        String text = node.isString() ? "'" + node.asString() + "'" : node.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
