package org.redtrove.guestagent;

import java.time.Duration;
import org.redtrove.common.Queues;
import org.redtrove.common.backups.BackupStore;
import org.redtrove.guestagent.backups.Snapshots;
import org.redtrove.guestagent.redis.PortRange;
import org.redtrove.guestagent.redis.RedisBinary;
import org.redtrove.guestagent.redis.RedisHost;
import org.redtrove.guestagent.redis.RedisHostSettings;
import org.redtrove.guestagent.rpc.GuestRpcListener;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the agent: its identity, the Redis host it supervises, and its two queues. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GuestAgentProperties.class, AmqpProperties.class})
public class GuestAgentConfiguration {

    /**
     * How many requests run at once. A WaitForOffset can hold a consumer for its whole timeout; the
     * others (Describe, Unpause …) must still get through.
     */
    static final int RPC_CONSUMERS = 8;

    @Bean
    HostIdentity hostIdentity(GuestAgentProperties properties) {
        return HostIdentity.resolve(properties);
    }

    @Bean
    RedisBinary redisBinary(GuestAgentProperties properties) {
        return RedisBinary.locate(properties.redisServer(), properties.dataDir());
    }

    /** Started here, so instances are adopted before the first RPC or heartbeat; closed on shutdown. */
    @Bean(initMethod = "start", destroyMethod = "close")
    RedisHost redisHost(GuestAgentProperties properties, RedisBinary binary) {
        return new RedisHost(new RedisHostSettings(properties.dataDir(), properties.bindAddress(),
                PortRange.parse(properties.portRange()), binary, properties.heartbeatInterval(),
                properties.unresponsiveAfter(), properties.livenessInterval(), properties.suspectAfter(),
                properties.selfFenceAfter(), properties.stopRedisOnShutdown()));
    }

    /**
     * The backup store ({@code redtrove.backups.*}, the same one the taskmanager deletes from) and
     * how long a snapshot may take ({@code redtrove.backups.snapshot-timeout}).
     */
    @Bean
    Snapshots snapshots(RedisHost redisHost, Environment environment,
                        @Value("${redtrove.backups.snapshot-timeout:30m}") Duration snapshotTimeout) {
        return new Snapshots(redisHost, BackupStore.configured(environment::getProperty), snapshotTimeout);
    }

    /** Durable and shared: requests sent while the agent restarts wait for it. Declared by RabbitAdmin. */
    @Bean
    Queue guestRequestQueue(AmqpProperties amqp, HostIdentity host) {
        return new Queue(Queues.guest(amqp.prefix(), host.hostId()), true, false, false);
    }

    @Bean
    Queue conductorQueue(AmqpProperties amqp) {
        return new Queue(Queues.conductor(amqp.prefix()), true, false, false);
    }

    @Bean
    SimpleMessageListenerContainer guestRpcContainer(ConnectionFactory connectionFactory, Queue guestRequestQueue,
                                                     GuestRpcListener listener) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(guestRequestQueue.getName());
        container.setMessageListener(listener);
        container.setConcurrentConsumers(RPC_CONSUMERS);
        container.setPrefetchCount(1); // one request per consumer: a slow one never holds others back
        container.setAcknowledgeMode(AcknowledgeMode.AUTO);
        // Keep retrying while the broker is down or the queue is not declared yet; never fail startup.
        container.setMissingQueuesFatal(false);
        return container;
    }
}
