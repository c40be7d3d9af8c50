package org.redtrove.guestagent;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The guest agent: one per host, owner of that host's redis-server processes, reachable only over AMQP.
 * It holds no database credentials; the conductor turns its heartbeats into rows.
 */
// The fat jar carries all three apps, so the database auto-configurations the api and taskmanager need
// are on the classpath here too; they are excluded by name, as their classes are not our dependencies.
@SpringBootApplication(excludeName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
public class GuestAgentApplication {

    /** No web server; configuration from guestagent.properties (three apps share one jar). */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GuestAgentApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.config.name=guestagent");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
