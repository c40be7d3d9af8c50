package org.redtrove.guestagent.redis;

import java.util.ArrayList;
import java.util.List;
import org.redtrove.common.InstanceReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Holds an instance's data files to its volume, as a disk of that size would, but with a clear
 * edge instead of a failed fsync: once the files (the AOF, RDB snapshots, temporary files of a
 * rewrite or a sync) take more than the volume, the tenant's user loses the {@code @write}
 * commands, so the files stop growing while reads go on; once they are back under 90 % (the AOF
 * rewritten, keys deleted through the agent, a larger volume), the tenant's rights come back
 * exactly as {@link RedisUsers#tenantRules} gives them. The agent's and the replication user's
 * rights are never touched, so replication, failover and backups go on.
 *
 * <p>Redis itself is asked whether the tenant may write ({@code ACL DRYRUN}), so a restarted
 * redis-server, whose users come back from redis.conf, is refused again at the next check.
 */
final class DiskBudget {

    private static final Logger log = LoggerFactory.getLogger(DiskBudget.class);

    /** Writes are given back below this share of the volume, so they do not flap at the edge. */
    static final double RESUME_BELOW = 0.9;

    private DiskBudget() {
    }

    /** One check of the instance against its volume; null when it has none. */
    static InstanceReport.Disk check(ManagedInstance instance) {
        Long budget = instance.record().diskBudgetBytes();
        if (budget == null || budget <= 0) {
            return null;
        }
        long used = instance.dir().dataBytes();
        InstanceReport.Disk last = instance.disk();
        boolean refused = last != null && last.writesRefused();
        if (used > budget || refused) {
            refused = instance.withRedis(DiskBudget::tenantWritesRefused);
            if (used > budget && !refused) {
                instance.runOnRedis(jedis -> jedis.sendCommand(Protocol.Command.ACL, "SETUSER",
                        RedisUsers.DEFAULT_USER, "-@write"));
                refused = true;
                log.warn("instance {}: its data files take {} bytes, more than its volume of {}: the tenant's writes "
                        + "are refused until they take less than {} %", instance.id(), used, budget,
                        Math.round(RESUME_BELOW * 100));
            } else if (refused && used < budget * RESUME_BELOW) {
                List<String> args = new ArrayList<>(List.of("SETUSER", RedisUsers.DEFAULT_USER));
                args.addAll(instance.users().tenantRules());
                instance.runOnRedis(jedis -> jedis.sendCommand(Protocol.Command.ACL, args.toArray(String[]::new)));
                refused = false;
                log.info("instance {}: its data files take {} bytes of its volume of {}: the tenant may write again",
                        instance.id(), used, budget);
            }
        }
        return new InstanceReport.Disk(used, budget, refused);
    }

    /** What Redis answers for a tenant's SET: OK, or why it would refuse it. */
    private static boolean tenantWritesRefused(Jedis jedis) {
        Object reply = jedis.sendCommand(Protocol.Command.ACL, "DRYRUN", RedisUsers.DEFAULT_USER, "SET",
                "redtrove:disk-check", "x");
        String text = reply instanceof byte[] bytes ? SafeEncoder.encode(bytes) : String.valueOf(reply);
        return !"OK".equals(text);
    }
}
