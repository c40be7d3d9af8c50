package org.redtrove.taskmanager.placement;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.redtrove.taskmanager.TaskManagerProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Chooses the host for a new instance: only hosts whose guest has sent a heartbeat recently and
 * that no operator is draining, preferring hosts outside {@code avoid} (a replica's source host, so that one host failure
 * cannot take a master and its replica together), then the host with the fewest instances.
 */
@Component
public class HostSelector {

    private final JdbcClient jdbc;
    private final TaskManagerProperties properties;

    public HostSelector(JdbcClient jdbc, TaskManagerProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    public Optional<String> choose(Set<String> avoid) {
        List<HostLoad> hosts = jdbc.sql("""
                select h.id, count(i.id) as instances
                  from hosts h left join instances i on i.host_id = h.id and not i.deleted
                 where h.last_heartbeat_at > now() - make_interval(secs => ?) and h.draining_since is null
                 group by h.id""")
                .param(properties.hostFreshness().toSeconds())
                .query((rs, n) -> new HostLoad(rs.getString("id"), rs.getInt("instances"))).list();
        return hosts.stream()
                .min((a, b) -> {
                    int byAvoid = Boolean.compare(avoid.contains(a.id()), avoid.contains(b.id()));
                    return byAvoid != 0 ? byAvoid : Integer.compare(a.instances(), b.instances());
                })
                .map(HostLoad::id);
    }

    private record HostLoad(String id, int instances) {
    }
}
