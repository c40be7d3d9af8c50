package org.redtrove.api.sentinel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The Sentinel-compatible endpoint (DESIGN.md decision 15), served by every api process on
 * redtrove.sentinel.port: clients list several api hosts as their sentinels, so none is a single
 * point of failure. Each process reads the topology from the database and publishes the same
 * events; none needs to know about the others, except to list them in SENTINEL SENTINELS.
 */
@Configuration
@EnableConfigurationProperties(SentinelProperties.class)
@ConditionalOnProperty(name = "redtrove.sentinel.enabled", havingValue = "true", matchIfMissing = true)
class SentinelEndpoint {

    private static final String RUN_ID = newRunId();

    @Bean
    SentinelFeed sentinelFeed(DataSource dataSource, JdbcClient jdbc, SentinelTopology topology,
                              SentinelProperties properties, SentinelServer server,
                              @Value("${redtrove.api.bind-address:127.0.0.1}") String apiBindAddress) {
        String host = advertisedHost(properties, bindAddress(properties, apiBindAddress));
        return new SentinelFeed(dataSource, jdbc, topology, properties, RUN_ID,
                () -> new SentinelViews.Peer(RUN_ID, host, server.port(), 0));
    }

    @Bean
    SentinelServer sentinelServer(SentinelTopology topology, SentinelProperties properties,
                                  @Value("${redtrove.api.bind-address:127.0.0.1}") String apiBindAddress,
                                  org.springframework.beans.factory.ObjectProvider<SentinelFeed> feed) {
        AuthThrottle throttle = new AuthThrottle(properties.authFailuresPerMinute());
        SentinelSession.Context context = new SentinelSession.Context(topology, throttle,
                () -> feed.getObject().peers(), RUN_ID, properties.downAfter().toMillis());
        SentinelServer server = new SentinelServer(bindAddress(properties, apiBindAddress), properties.port(), context);
        topology.onMasterChange((set, from, to) -> {
            server.publish(set.id(), "+switch-master", SentinelViews.switchMasterEvent(set.name(), from, to));
            // node-redis reacts to these, not to +switch-master (its pattern lacks the '+')
            for (SetSnapshot.Node replica : set.replicas()) {
                server.publish(set.id(), "+slave", SentinelViews.slaveEvent(set.name(), replica, to));
            }
        });
        return server;
    }

    @Bean
    SentinelDirections sentinelDirections(SentinelProperties properties, SentinelServer server) {
        return new SentinelDirections(properties.publicHost(), server::port);
    }

    /** Publishes the port it listens on as local.sentinel.port, as Boot does local.server.port. */
    @Bean
    ApplicationListener<ContextRefreshedEvent> sentinelPortPublisher(SentinelServer server) {
        return event -> {
            if (event.getApplicationContext().getEnvironment() instanceof ConfigurableEnvironment env
                    && server.port() > 0) {
                env.getPropertySources().addFirst(new MapPropertySource("redtrove.sentinel.port",
                        Map.of("local.sentinel.port", server.port())));
            }
        };
    }

    private static String bindAddress(SentinelProperties properties, String apiBindAddress) {
        return properties.bindAddress().isBlank() ? apiBindAddress : properties.bindAddress();
    }

    private static String advertisedHost(SentinelProperties properties, String bindAddress) {
        if (!properties.publicHost().isBlank()) {
            return properties.publicHost();
        }
        if (bindAddress.equals("0.0.0.0") || bindAddress.equals("::")) {
            try {
                return InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                return "127.0.0.1";
            }
        }
        return bindAddress;
    }

    private static String newRunId() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
