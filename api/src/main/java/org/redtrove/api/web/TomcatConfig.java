package org.redtrove.api.web;

import org.apache.catalina.Container;
import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How the api's Tomcat is put together beyond Boot's defaults. */
@Configuration
class TomcatConfig {

    /**
     * The host's error report valve is the last word on every error answer, including those for
     * requests Tomcat refuses before any servlet sees them; ours writes fault bodies, not HTML.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> faultValve() {
        return factory -> factory.addContextCustomizers(context -> {
            Container host = context.getParent();
            if (host instanceof StandardHost standardHost) {
                standardHost.setErrorReportValveClass(FaultValve.class.getName());
            }
        });
    }

    @Bean
    IdentityConnector identityConnector(@Value("${redtrove.identity.port:5000}") int port,
                                        @Value("${redtrove.api.bind-address:127.0.0.1}") String bindAddress,
                                        @Value("${redtrove.api.port:8779}") int apiPort) {
        if (port != 0 && port == apiPort) {
            throw new IllegalStateException("redtrove.identity.port and redtrove.api.port are both " + port
                    + "; the identity service needs a port of its own");
        }
        return new IdentityConnector(port, bindAddress);
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> identityPort(IdentityConnector identity) {
        return factory -> factory.addAdditionalConnectors(identity.connector());
    }
}
