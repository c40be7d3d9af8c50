package org.redtrove.api.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Trove's rate limits, enforced per user, in memory, with Trove's leaky bucket: each request adds
 * {@code unit / value} seconds of "water", the bucket drains at one second per second, and a
 * request that would overflow a bucket of one unit is refused with the time until it would fit.
 * Limits of 0 are off. Being in memory, each api process counts on its own, as Trove's does.
 */
@Component
public class RateLimiter {

    /** Beyond this many users, buckets that have drained are forgotten. */
    private static final int SWEEP_SIZE = 10_000;

    /** A refusal: the limit that was hit and the seconds until a request would pass. */
    public record Refusal(RateLimit limit, double waitSeconds) {
    }

    /** A limit as the limits view shows it: requests left now, and when the next one may be made. */
    record State(RateLimit limit, int remaining, Instant nextAvailable) {
    }

    private final List<RateLimit> limits;
    private final Clock clock;
    private final Map<String, Buckets> users = new ConcurrentHashMap<>();

    @Autowired
    RateLimiter(@Value("${redtrove.rate-limit.get:1200}") int get,
                @Value("${redtrove.rate-limit.post:200}") int post,
                @Value("${redtrove.rate-limit.put:200}") int put,
                @Value("${redtrove.rate-limit.delete:200}") int delete) {
        this(perMinute(get, post, put, delete), Clock.systemUTC());
    }

    RateLimiter(List<RateLimit> limits, Clock clock) {
        this.limits = List.copyOf(limits);
        this.clock = clock;
    }

    private static List<RateLimit> perMinute(int get, int post, int put, int delete) {
        List<RateLimit> limits = new ArrayList<>();
        // Trove's DEFAULT_LIMITS order: POST, PUT, DELETE, GET
        for (Object[] l : new Object[][] {{"POST", post}, {"PUT", put}, {"DELETE", delete}, {"GET", get}}) {
            if ((int) l[1] > 0) {
                limits.add(new RateLimit((String) l[0], "*", ".*", (int) l[1], Duration.ofMinutes(1)));
            }
        }
        return limits;
    }

    /** Counts the request against the user's limits; a refusal when one of them is full. */
    public Optional<Refusal> check(String user, String verb, String path) {
        return buckets(user).take(verb, path, seconds(clock.instant()));
    }

    /** Every limit with the user's state now, without counting anything. */
    List<State> state(String user) {
        return buckets(user).state(seconds(clock.instant()));
    }

    private Buckets buckets(String user) {
        if (users.size() > SWEEP_SIZE) {
            double now = seconds(clock.instant());
            users.values().removeIf(b -> b.drained(now));
        }
        return users.computeIfAbsent(user == null ? "" : user, u -> new Buckets(limits));
    }

    private static double seconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** One user's water level in each limit's bucket. */
    private static final class Buckets {

        private final List<RateLimit> limits;
        private final List<Pattern> patterns = new ArrayList<>();
        private final double[] water;
        private final double[] last;

        Buckets(List<RateLimit> limits) {
            this.limits = limits;
            limits.forEach(l -> patterns.add(Pattern.compile(l.regex())));
            water = new double[limits.size()];
            last = new double[limits.size()];
        }

        synchronized Optional<Refusal> take(String verb, String path, double now) {
            Refusal shortest = null;
            for (int i = 0; i < limits.size(); i++) {
                RateLimit limit = limits.get(i);
                if (!limit.verb().equals(verb) || !patterns.get(i).matcher(path).lookingAt()) {
                    continue;
                }
                drain(i, now);
                double level = water[i] + limit.secondsPerRequest();
                double over = level - limit.unit().toSeconds();
                if (over > 0) {
                    if (shortest == null || over < shortest.waitSeconds()) {
                        shortest = new Refusal(limit, over);
                    }
                } else {
                    water[i] = level;
                }
            }
            return Optional.ofNullable(shortest);
        }

        synchronized List<State> state(double now) {
            List<State> states = new ArrayList<>();
            for (int i = 0; i < limits.size(); i++) {
                RateLimit limit = limits.get(i);
                drain(i, now);
                double capacity = limit.unit().toSeconds();
                int remaining = (int) Math.floor((capacity - water[i]) / capacity * limit.value());
                double wait = Math.max(0, water[i] + limit.secondsPerRequest() - capacity);
                states.add(new State(limit, remaining, Instant.ofEpochMilli((long) ((now + wait) * 1000))));
            }
            return states;
        }

        synchronized boolean drained(double now) {
            for (int i = 0; i < limits.size(); i++) {
                drain(i, now);
                if (water[i] > 0) {
                    return false;
                }
            }
            return true;
        }

        private void drain(int i, double now) {
            water[i] = Math.max(0, water[i] - Math.max(0, now - last[i]));
            last[i] = now;
        }
    }
}
