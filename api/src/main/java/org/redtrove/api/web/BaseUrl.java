package org.redtrove.api.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The scheme, host and port the client used to reach us, from its Host header, so that links and
 * catalog URLs point back at whatever address the client could reach.
 */
public final class BaseUrl {

    private BaseUrl() {
    }

    public static String of(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null || host.isBlank()) {
            host = request.getServerName() + ":" + request.getServerPort();
        }
        return request.getScheme() + "://" + host;
    }
}
