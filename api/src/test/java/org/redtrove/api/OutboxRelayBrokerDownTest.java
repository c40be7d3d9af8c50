package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With no broker, requests still succeed and the outbox keeps the job for later. */
class OutboxRelayBrokerDownTest extends ApiTestSupport {

    @DynamicPropertySource
    static void relay(DynamicPropertyRegistry registry) {
        registry.add("redtrove.outbox.relay-enabled", () -> "true");
        registry.add("redtrove.amqp.url", () -> "amqp://guest:guest@127.0.0.1:1");
    }

    @Test
    void brokerOutageDelaysJobsAndLosesNone() throws Exception {
        Response r = post("/v1.0/" + alphaProject + "/instances", alice(),
                "{\"instance\":{\"name\":\"waiting\",\"flavorRef\":1}}");
        assertThat(r.status()).isEqualTo(200);

        Thread.sleep(1000); // several relay passes
        assertThat(count("select count(*) from outbox where sent_at is null")).isEqualTo(1);
        assertThat(count("select count(*) from jobs where state = 'QUEUED'")).isEqualTo(1);
    }
}
