package org.redtrove.taskmanager;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the taskmanager (keys under {@code redtrove.taskmanager}).
 *
 * @param jobConcurrency  jobs run at once by this process
 * @param jobLease        how long a claimed job is ours without renewal; a crashed taskmanager's
 *                        jobs are picked up again after this
 * @param buildTimeout    how long a new instance may take to answer before it is put in ERROR
 * @param guestRpcTimeout how long to wait for a guest agent's answer to one request
 * @param hostFreshness   a host whose last heartbeat is older than this gets no new instances
 * @param brokerOutageWait how long a guest request waits for the broker to come back (and for the
 *                        guest to reconnect) before the job is failed
 */
@ConfigurationProperties("redtrove.taskmanager")
public record TaskManagerProperties(
        @DefaultValue("4") int jobConcurrency,
        @DefaultValue("30s") Duration jobLease,
        @DefaultValue("120s") Duration buildTimeout,
        @DefaultValue("15s") Duration guestRpcTimeout,
        @DefaultValue("10s") Duration hostFreshness,
        @DefaultValue("120s") Duration brokerOutageWait) {
}
