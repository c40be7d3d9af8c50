package org.redtrove.api.instances;

import org.redtrove.api.fault.BadRequest;
import tools.jackson.databind.JsonNode;

/**
 * The body of Trove's resize action: {@code {"flavorRef": …}} for a new flavor, or
 * {@code {"volume": {"size": N}}} for a larger volume, never both (trove/common/apischema.py and
 * instance/service.py, with Trove's messages).
 */
record ResizeRequest(String flavorRef, Integer volumeSize) {

    static ResizeRequest parse(JsonNode resize) {
        if (resize == null || !resize.isObject()) {
            throw BadRequest.validation("resize " + (resize == null ? "null" : CreateInstanceRequest.show(resize))
                    + " is not of type 'object'");
        }
        JsonNode flavor = resize.get("flavorRef");
        JsonNode volume = resize.get("volume");
        if (flavor != null && volume != null) {
            throw new BadRequest("Not allowed to resize volume and flavor at the same time.");
        }
        for (String key : resize.propertyNames()) {
            if (!key.equals("flavorRef") && !key.equals("volume")) {
                throw BadRequest.validation("Additional properties are not allowed ('" + key + "' was unexpected)");
            }
        }
        if (flavor != null) {
            if (flavor.isString() && !flavor.asString().isBlank()) {
                return new ResizeRequest(flavor.asString(), null);
            }
            if (flavor.isIntegralNumber() && flavor.canConvertToInt()) {
                return new ResizeRequest(Integer.toString(flavor.asInt()), null);
            }
            throw BadRequest.validation("resize['flavorRef'] " + CreateInstanceRequest.show(flavor)
                    + " is not of type 'string', 'integer'");
        }
        if (volume != null) {
            if (!volume.isObject() || volume.get("size") == null) {
                throw BadRequest.validation("resize['volume'] 'size' is a required property");
            }
            return new ResizeRequest(null, CreateInstanceRequest.positiveInt(volume.get("size"),
                    "resize['volume']['size']"));
        }
        throw new BadRequest("Missing resize arguments: give flavorRef or volume.");
    }
}
