package org.redtrove.taskmanager.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.redtrove.common.metrics.ManagementPort;
import org.redtrove.common.metrics.MetricsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The taskmanager's management port. Its own meters (jobs, guest calls, heartbeats, failovers) are
 * kept where those things happen; {@link FleetGauges} adds what the database knows of every set.
 */
@Configuration(proxyBeanMethods = false)
public class TaskManagerMetrics {

    private static final Logger log = LoggerFactory.getLogger(TaskManagerMetrics.class);

    @Bean(destroyMethod = "close")
    ManagementPort taskmanagerManagementPort(PrometheusMeterRegistry registry, FleetGauges fleet,
                                             @Value("${redtrove.metrics.bind-address:127.0.0.1}") String bindAddress,
                                             @Value("${redtrove.metrics.port:9781}") int port,
                                             @Value("${redtrove.metrics.token:}") String token) {
        ManagementPort opened = new MetricsSettings(bindAddress, port, token).open(registry, "taskmanager-metrics",
                fleet::refresh);
        log.info("taskmanager: {}", opened.describe(bindAddress));
        return opened;
    }
}
