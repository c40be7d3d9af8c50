package org.redtrove.api.replications;

import org.redtrove.api.fault.BadRequest;
import org.redtrove.api.fault.Conflict;
import org.redtrove.api.fault.NotFound;
import org.redtrove.api.fault.Unprocessable;
import org.redtrove.api.web.JsonFields;

/**
 * Every refusal of the replication routes and of {@link ReplicationTaskService}, with ReductStore's
 * texts where it has one. Values a client chose are cut to 80 characters in messages.
 */
final class ReplicationRefusals {

    private ReplicationRefusals() {
    }

    static BadRequest invalidName(String name) {
        return BadRequest.validation("replication name '" + clip(name)
                + "' must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-'");
    }

    static Conflict alreadyExists(String name) {
        return new Conflict("Replication '" + name + "' already exists");
    }

    static Conflict provisionedUpdate(String name) {
        return new Conflict("Can't update provisioned replication '" + name + "'");
    }

    static Conflict provisionedRemove(String name) {
        return new Conflict("Can't remove provisioned replication '" + name + "'");
    }

    static NotFound unknown(String name) {
        return new NotFound("Replication '" + name + "' does not exist");
    }

    static NotFound unknownSource(String reference, String name) {
        return new NotFound("Source instance '" + clip(reference) + "' for replication '" + name + "' does not exist");
    }

    static NotFound unknownDestination(String reference, String name) {
        return new NotFound("Destination instance '" + clip(reference) + "' for replication '" + name
                + "' does not exist");
    }

    /** A name several instances of the project carry: replicating from a guess would copy the wrong data. */
    static BadRequest ambiguous(String role, String reference, String name, int count) {
        return new BadRequest(role + " instance '" + clip(reference) + "' for replication '" + name + "' names "
                + count + " instances; give its id");
    }

    static Unprocessable sameInstance() {
        return new Unprocessable("Source and destination instances must be different");
    }

    /** @param shown the URL with any password masked ({@link DestinationHost#masked}) */
    static Unprocessable invalidHost(String shown) {
        return new Unprocessable("Invalid destination host '" + shown + "'");
    }

    static Unprocessable passwordInHost(String shown) {
        return new Unprocessable("Invalid destination host '" + shown
                + "': give the password in dst_password, not in the URL");
    }

    static BadRequest maskWithoutStoredPassword() {
        return BadRequest.validation("dst_password '" + ReplicationSettings.MASK
                + "' keeps a stored password, and only while dst_host is unchanged; send the password itself");
    }

    static String clip(String text) {
        return JsonFields.clip(text);
    }
}
