package org.redtrove.api.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthThrottleTest {

    @Test
    void anAddressIsRefusedForTheRestOfTheMinuteAfterItsLimitOfWrongPasswords() {
        AuthThrottle throttle = new AuthThrottle(3);
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.retryAfterSeconds("10.0.0.1")).isZero();
            throttle.failed("10.0.0.1");
        }
        assertThat(throttle.retryAfterSeconds("10.0.0.1")).isBetween(1L, 60L);
        assertThat(throttle.retryAfterSeconds("10.0.0.2")).as("another address").isZero();
    }
}
