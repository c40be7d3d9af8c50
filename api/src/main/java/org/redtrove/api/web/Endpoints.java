package org.redtrove.api.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.stereotype.Component;

/**
 * Where a client reaches each service: the base URLs ({@code scheme://host:port}) that links and
 * catalogs hand out. By default they are built from the Host the client used, with the port
 * swapped for the other service's, so a client that reached either port gets addresses it can
 * reach. {@code redtrove.api.public-url} and {@code redtrove.identity.public-url} replace them, for
 * a load balancer or a NAT in front of the api.
 *
 * <p>Once the server runs, the identity port it listens on is published as
 * {@code local.identity.port}, as Boot publishes {@code local.server.port}.
 */
@Component
public class Endpoints implements ApplicationListener<WebServerInitializedEvent> {

    private final IdentityConnector identity;
    private final String troveUrl;
    private final String identityUrl;
    private volatile int trovePort = -1;

    Endpoints(IdentityConnector identity, @Value("${redtrove.api.public-url:}") String troveUrl,
              @Value("${redtrove.identity.public-url:}") String identityUrl) {
        this.identity = identity;
        this.troveUrl = stripSlash(troveUrl);
        this.identityUrl = stripSlash(identityUrl);
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        trovePort = event.getWebServer().getPort();
        if (event.getApplicationContext().getEnvironment() instanceof ConfigurableEnvironment env) {
            env.getPropertySources().addFirst(new MapPropertySource("redtrove.identity.port",
                    Map.of("local.identity.port", identity.localPort())));
        }
    }

    /** True when the request came in on the identity service's port. */
    public boolean onIdentityPort(HttpServletRequest request) {
        return request.getLocalPort() == identity.localPort();
    }

    /** The Trove API's base URL for this client. */
    public String trove(HttpServletRequest request) {
        if (!troveUrl.isEmpty()) {
            return troveUrl;
        }
        return onIdentityPort(request) ? withPort(request, trovePort) : reached(request);
    }

    /** The identity service's base URL for this client. */
    public String identity(HttpServletRequest request) {
        if (!identityUrl.isEmpty()) {
            return identityUrl;
        }
        return onIdentityPort(request) ? reached(request) : withPort(request, identity.localPort());
    }

    /**
     * The address the client used, for the links of the service it is talking to (a version
     * document's self link tells keystoneauth where to log in, and an old OS_AUTH_URL on the Trove
     * port must keep working), unless the identity service has a public URL.
     */
    public String identityAsReached(HttpServletRequest request) {
        return identityUrl.isEmpty() ? reached(request) : identityUrl;
    }

    /** The scheme, host and port from the client's Host header. */
    static String reached(HttpServletRequest request) {
        return request.getScheme() + "://" + host(request);
    }

    private static String withPort(HttpServletRequest request, int port) {
        return request.getScheme() + "://" + hostName(request) + ":" + port;
    }

    /** The host (name or address, without the port) the client used to reach this process. */
    public static String hostName(HttpServletRequest request) {
        String host = host(request);
        int close = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        return colon > close ? host.substring(0, colon) : host; // keeps an IPv6 literal whole
    }

    private static String host(HttpServletRequest request) {
        String host = request.getHeader("Host");
        return host == null || host.isBlank() ? request.getServerName() + ":" + request.getServerPort() : host;
    }

    private static String stripSlash(String url) {
        String u = url == null ? "" : url.trim();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }
}
