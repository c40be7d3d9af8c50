package org.redtrove.api.provisioning;

/**
 * The api's environment asks for something that cannot be provisioned: a missing, unknown or
 * malformed variable, or an object the API would refuse. Thrown from the start-up hook, so the api
 * does not start; the message names the variable (or its group) and never shows a password.
 */
public class ProvisioningRefused extends IllegalStateException {

    ProvisioningRefused(String message) {
        super(message);
    }
}
