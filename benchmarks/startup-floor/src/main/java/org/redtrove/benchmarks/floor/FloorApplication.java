package org.redtrove.benchmarks.floor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The floor of the start-up benchmark: the least a Spring Boot web app does before it answers,
 * started as a bare {@code java -jar} on the same machine as RedTrove's dev mode. It prints
 * {@code FLOOR READY} once its port listens; {@code --server.port=0} picks a free one.
 */
@SpringBootApplication
@RestController
public class FloorApplication {

    @GetMapping("/")
    String ok() {
        return "ok";
    }

    public static void main(String[] args) {
        SpringApplication.run(FloorApplication.class, args);
        System.out.println("FLOOR READY");
    }
}
