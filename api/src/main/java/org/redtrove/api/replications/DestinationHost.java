package org.redtrove.api.replications;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The rule for a destination outside RedTrove: {@code redis://host:port[/db]} or
 * {@code rediss://host:port[/db]}, port 1-65535, db 0-15, nothing else. The password goes in
 * dst_password, where it is sealed; a URL carrying one (user info, or anything with an '@') is
 * refused, and every message shows the URL with the part that could be a password masked.
 */
public final class DestinationHost {

    private static final Pattern DB = Pattern.compile("/?|/[0-9]{1,2}");

    private DestinationHost() {
    }

    static void check(String url) {
        String shown = masked(url);
        if (url.indexOf('@') >= 0) {
            throw ReplicationRefusals.passwordInHost(shown);
        }
        if (!isValid(url)) {
            throw ReplicationRefusals.invalidHost(shown);
        }
    }

    /** True for a URL of the rule; one carrying a password is not (see {@link #check}). */
    public static boolean isValid(String url) {
        if (url.indexOf('@') >= 0) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return false;
        }
        return ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
                && uri.getHost() != null && uri.getPort() >= 1 && uri.getPort() <= 65535
                && uri.getRawQuery() == null && uri.getRawFragment() == null && isDatabase(uri.getRawPath());
    }

    /** No path, "/" (database 0) or "/N" with N from 0 to 15. */
    private static boolean isDatabase(String path) {
        return path != null && DB.matcher(path).matches()
                && (path.length() < 2 || Integer.parseInt(path.substring(1)) <= 15);
    }

    /**
     * The URL for messages and logs: what may be a user and password (up to the last '@') and any
     * query (where some clients take a password) replaced by {@code ***}, then cut to length.
     */
    public static String masked(String url) {
        String text = url;
        int query = text.indexOf('?');
        if (query >= 0) {
            text = text.substring(0, query) + "?***";
        }
        int at = text.lastIndexOf('@');
        if (at >= 0) {
            int scheme = text.indexOf("://");
            int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
            text = text.substring(0, start) + "***" + text.substring(at);
        }
        return ReplicationRefusals.clip(text);
    }
}
