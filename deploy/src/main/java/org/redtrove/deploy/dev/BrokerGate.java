package org.redtrove.deploy.dev;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Lets dev mode's services build their contexts while the embedded broker is still starting, and
 * holds each context's lifecycles (listener containers, heartbeats, the outbox relay, the web
 * server) until the broker is up: a lifecycle in the first phase that waits for it. Every
 * connection to the broker is made by a lifecycle, so none is tried, failed and retried later.
 */
final class BrokerGate implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final long WAIT_SECONDS = 120;

    private final CountDownLatch open = new CountDownLatch(1);

    void open() {
        open.countDown();
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getBeanFactory().registerSingleton("redtroveBrokerGate", new Gate());
    }

    private final class Gate implements SmartLifecycle {
        private volatile boolean running;

        @Override
        public void start() {
            try {
                if (!open.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the embedded broker did not start within " + WAIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
            }
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE;
        }
    }
}
