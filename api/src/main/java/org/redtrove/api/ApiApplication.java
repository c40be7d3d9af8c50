package org.redtrove.api;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The api process: Trove v1.0 routes, a Keystone-v3-compatible identity endpoint and the outbox
 * relay. It writes rows and answers; the taskmanager does the work.
 */
@SpringBootApplication
public class ApiApplication {

    /** The api's application, reading api.properties (the fat jar holds three applications). */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ApiApplication.class).properties("spring.config.name=api");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
