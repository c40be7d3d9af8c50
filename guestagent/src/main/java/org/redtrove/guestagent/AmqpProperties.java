package org.redtrove.guestagent;

import org.redtrove.common.Queues;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param prefix redtrove.amqp.prefix: prefix of every queue name (see {@link Queues}), so several
 *               installations or test runs can share a broker. Default "redtrove"
 */
@ConfigurationProperties("redtrove.amqp")
public record AmqpProperties(@DefaultValue(Queues.DEFAULT_PREFIX) String prefix) {
}
