package org.redtrove.deploy.dev;

import java.util.concurrent.CountDownLatch;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * Counts down when its context has been initialized: by then Spring Boot has set up logging, so
 * the next context may start beside it.
 */
record ContextInitialized(CountDownLatch latch) implements ApplicationListener<ApplicationEvent> {
    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationContextInitializedEvent) {
            latch.countDown();
        }
    }
}
