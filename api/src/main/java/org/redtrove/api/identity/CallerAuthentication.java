package org.redtrove.api.identity;

import java.net.URI;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses who validates the tokens of Trove requests: the local store, or the external Keystone
 * named by {@code redtrove.identity.keystone-url}. The local {@code /identity/v3} routes keep using
 * the local store either way.
 */
@Configuration
class CallerAuthentication {

    @Bean
    CallerAuthenticator callerAuthenticator(
            TokenService tokens, JsonMapper mapper,
            @Value("${redtrove.identity.keystone-url:}") String keystoneUrl,
            @Value("${redtrove.identity.keystone-service.user:}") String user,
            @Value("${redtrove.identity.keystone-service.password:}") String password,
            @Value("${redtrove.identity.keystone-service.project:service}") String project,
            @Value("${redtrove.identity.keystone-service.domain:default}") String domain,
            @Value("${redtrove.identity.keystone-cache-ttl:30s}") Duration cacheTtl,
            @Value("${redtrove.identity.keystone-timeout:10s}") Duration timeout) {
        if (keystoneUrl.isBlank()) {
            return tokens::authenticate;
        }
        if (user.isBlank() || password.isBlank()) {
            throw new IllegalStateException("redtrove.identity.keystone-url is set, so "
                    + "redtrove.identity.keystone-service.user and .password must be set too");
        }
        String base = keystoneUrl.endsWith("/") ? keystoneUrl.substring(0, keystoneUrl.length() - 1) : keystoneUrl;
        return new ExternalKeystone(new ExternalKeystone.Options(URI.create(base), user, password, project, domain,
                cacheTtl, timeout), mapper);
    }
}
