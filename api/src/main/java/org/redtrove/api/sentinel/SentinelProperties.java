package org.redtrove.api.sentinel;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Sentinel-compatible endpoint of this api process (redtrove.sentinel.*).
 *
 * @param enabled             serve it at all
 * @param port                its RESP port; 0 takes a free one (published as local.sentinel.port)
 * @param bindAddress         empty: the api's own bind address
 * @param publicHost          the host clients reach it at, as the detail view and SENTINEL SENTINELS
 *                            show it; empty: the host the client used for the api (the detail view)
 *                            or the bind address
 * @param authFailuresPerMinute wrong passwords from one address before its AUTH is refused for the rest
 *                            of the minute
 * @param refreshInterval     how often the whole topology is read again, besides every change the
 *                            database notifies
 * @param downAfter           the down-after-milliseconds the views show: a member whose guest has not
 *                            reported for this long is shown s_down
 */
@ConfigurationProperties("redtrove.sentinel")
public record SentinelProperties(@DefaultValue("true") boolean enabled, @DefaultValue("26379") int port,
                                 @DefaultValue("") String bindAddress, @DefaultValue("") String publicHost,
                                 @DefaultValue("10") int authFailuresPerMinute,
                                 @DefaultValue("1s") Duration refreshInterval,
                                 @DefaultValue("3s") Duration downAfter) {
}
