package org.redtrove.deploy.dev;

import org.redtrove.guestagent.redis.RedisHost;
import org.springframework.context.ConfigurableApplicationContext;

/** Dev mode owns its Redis instances: when it stops, they stop with it. */
final class GuestShutdown {

    private GuestShutdown() {
    }

    static void stopAllRedis(ConfigurableApplicationContext guest) {
        if (guest.isActive()) {
            guest.getBean(RedisHost.class).closeAndStopRedis();
        }
    }
}
