package org.redtrove.taskmanager.maintenance;

import java.util.List;
import java.util.UUID;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.taskmanager.guest.GuestClient;
import org.redtrove.taskmanager.guest.GuestUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Holds every running instance to its volume, also those whose guest never got a LimitDisk: the
 * instances created before volumes were limits, and any whose agent lost its record of the limit.
 * Every {@code redtrove.taskmanager.disk-budget-check} it looks, in the heartbeats, for an ACTIVE
 * instance with no job running whose reported budget is not its volume, and sends the volume to
 * its guest. Sending it twice (two taskmanagers) does no harm; a guest that cannot be reached is
 * asked again next time.
 */
@Component
public class DiskBudgets {

    private static final Logger log = LoggerFactory.getLogger(DiskBudgets.class);

    private final JdbcClient jdbc;
    private final GuestClient guests;

    public DiskBudgets(JdbcClient jdbc, GuestClient guests) {
        this.jdbc = jdbc;
        this.guests = guests;
    }

    record Missing(UUID id, String hostId, long budgetBytes, String name) {
    }

    /** The running instances whose guest reports another budget than their volume (or none). */
    List<Missing> missing() {
        return jdbc.sql("""
                        select i.id, i.host_id, i.name, cast(coalesce(i.volume_size, f.disk_gb) as bigint) * 1073741824 as budget
                          from instances i
                          join flavors f on f.id = i.flavor_id
                          join heartbeats hb on hb.instance_id = i.id
                         where not i.deleted and i.host_id is not null
                           and i.server_status = 'ACTIVE' and i.task_status = 'NONE'
                           and coalesce(i.volume_size, f.disk_gb) > 0
                           and hb.state = 'RUNNING' and hb.received_at > now() - interval '30 seconds'
                           and coalesce(cast(hb.report -> 'disk' ->> 'budgetBytes' as bigint), 0)
                               <> cast(coalesce(i.volume_size, f.disk_gb) as bigint) * 1073741824""")
                .query((rs, n) -> new Missing(rs.getObject("id", UUID.class), rs.getString("host_id"),
                        rs.getLong("budget"), rs.getString("name")))
                .list();
    }

    @Scheduled(initialDelayString = "${redtrove.taskmanager.disk-budget-check:60s}",
            fixedDelayString = "${redtrove.taskmanager.disk-budget-check:60s}")
    void check() {
        for (Missing m : missing()) {
            try {
                GuestReply reply = guests.call(m.hostId(), new GuestRequest.LimitDisk(m.id(), m.budgetBytes()));
                if (reply.isOk()) {
                    log.info("Instance {} ({}) is held to its volume of {} bytes", m.name(), m.id(), m.budgetBytes());
                } else {
                    log.warn("The guest of {} ({}) could not hold it to its volume: {}", m.name(), m.id(),
                            reply.error());
                }
            } catch (GuestUnavailableException e) {
                log.debug("The guest of {} is not reachable now; its volume is sent next time: {}", m.id(),
                        e.getMessage());
            }
        }
    }
}
