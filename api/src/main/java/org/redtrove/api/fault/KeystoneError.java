package org.redtrove.api.fault;

/**
 * An identity (Keystone v3) error. keystoneauth expects Keystone's body,
 * {@code {"error":{"code":N,"title":"...","message":"..."}}}, not Trove's fault body.
 */
public final class KeystoneError extends RuntimeException {

    private final int status;
    private final String title;

    public KeystoneError(int status, String title, String message) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
    }

    public static KeystoneError unauthorized() {
        return new KeystoneError(401, "Unauthorized", "The request you have made requires authentication.");
    }

    public static KeystoneError badRequest(String message) {
        return new KeystoneError(400, "Bad Request", message);
    }

    public static KeystoneError notFound(String message) {
        return new KeystoneError(404, "Not Found", message);
    }

    public static KeystoneError forbidden(String message) {
        return new KeystoneError(403, "Forbidden", message);
    }

    public static KeystoneError conflict(String message) {
        return new KeystoneError(409, "Conflict", message);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
