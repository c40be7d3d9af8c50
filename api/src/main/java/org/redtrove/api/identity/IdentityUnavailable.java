package org.redtrove.api.identity;

/**
 * The external Keystone could not say whether a token is valid (unreachable, timed out, or an
 * unexpected answer). The caller gets a 503, not a 401: a 401 makes the clients re-authenticate and
 * replay the request, which cannot help while the identity service is down.
 */
public class IdentityUnavailable extends RuntimeException {

    public IdentityUnavailable(String message) {
        super(message);
    }

    public IdentityUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
