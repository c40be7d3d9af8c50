package org.redtrove.api.identity;

import java.util.Optional;

/**
 * Turns the X-Auth-Token of a Trove request into its caller. The local identity store does it by
 * default; with {@code redtrove.identity.keystone-url} set, an external Keystone does (see
 * {@link ExternalKeystone} and {@link CallerAuthentication}).
 */
public interface CallerAuthenticator {

    /**
     * The caller, or empty if the token is missing, unknown or expired.
     *
     * @throws IdentityUnavailable when the identity service cannot answer, which is not the caller's fault
     */
    Optional<AuthContext> authenticate(String token);
}
