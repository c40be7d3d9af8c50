package org.redtrove.taskmanager;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The taskmanager process: runs jobs, hosts the conductor, talks to guest agents. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class TaskManagerApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(TaskManagerApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.config.name=taskmanager");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
