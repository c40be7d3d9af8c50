package org.redtrove.guestagent.redis;

import java.util.List;
import java.util.stream.Stream;
import org.redtrove.common.AccessState;
import org.redtrove.common.GuestRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Moves an instance created before ACLs ({@link AccessState#LEGACY}: requirepass, replicas logging in
 * as the default user) to the users of {@link RedisUsers}, live, in two phases the taskmanager runs
 * across the whole set:
 * <ol>
 * <li>{@link AccessState#USERS}: the agent and replication users exist, and a replica logs in to its
 * master as the replication user;</li>
 * <li>{@link AccessState#RESTRICTED}: the tenant's default user loses the admin commands.</li>
 * </ol>
 * The phases exist because the restriction takes PSYNC and REPLCONF from the default user: a replica
 * still logged in as it would be refused its next PSYNC, and its REPLCONF ACKs would go unheard (the
 * master would count it as lagging, and fence itself). So the taskmanager restricts only once every
 * member of the set has the replication user. Each phase is applied live first and written to
 * redis.conf last: until the file says so, the agent keeps logging in the old way, which still works.
 */
final class AccessMigration {

    /**
     * How long a replica's phase 1 waits for its master link before dropping it; a link that is down
     * (its master restarting, say) is dropped anyway: its next handshake uses the new user.
     */
    private static final long LINK_UP_WAIT_MILLIS = 3000;
    private static final Logger log = LoggerFactory.getLogger(AccessMigration.class);

    /** Both phases are idempotent; phase 2 on a LEGACY instance does phase 1 first. */
    void configureAccess(ManagedInstance instance, GuestRequest.ConfigureAccess r) {
        String replicationPassword = r.replicationPassword();
        if (replicationPassword == null || replicationPassword.isEmpty()) {
            throw new GuestOperationException("configuring access needs the set's replication password");
        }
        synchronized (instance.replicationLock) {
            giveUsers(instance, replicationPassword);
            if (r.restrictTenant()) {
                restrictTenant(instance);
            }
        }
    }

    private void giveUsers(ManagedInstance instance, String replicationPassword) {
        RedisUsers before = instance.users();
        String agentPassword = before.agentPassword() != null ? before.agentPassword()
                : RedisUsers.newAgentPassword();
        RedisUsers after = before.withAgentAndReplication(agentPassword, replicationPassword);
        ReplicationSettings.Upstream upstream = instance.replication().upstream();
        boolean relink = upstream != null && !(RedisUsers.REPLICATION_USER.equals(upstream.masterUser())
                && replicationPassword.equals(upstream.masterPassword()));
        ReplicationSettings.Upstream next = upstream == null ? null : new ReplicationSettings.Upstream(
                upstream.host(), upstream.port(), RedisUsers.REPLICATION_USER, replicationPassword);
        if (relink) {
            // Before anything changes: a replica switched to a user its master lacks would lose its link.
            requireMasterAccepts(instance, next);
        }
        instance.runOnRedis(jedis -> {
            jedis.aclSetUser(RedisUsers.AGENT_USER, after.agentSetUser());
            jedis.aclSetUser(RedisUsers.REPLICATION_USER, after.replicationSetUser());
        });
        if (relink) {
            instance.writeReplication(instance.replication().withUpstream(next));
            instance.runOnRedis(jedis -> {
                jedis.configSet("masteruser", RedisUsers.REPLICATION_USER, "masterauth", replicationPassword);
                // masteruser only counts at the next connect, so the link is dropped; it reconnects
                // within a second and continues by PSYNC from the replica's cached master: a partial
                // resync. Dropped once it is up: a handshake already under way when the new user was
                // set would finish as the default user and, not being a master link yet, survive
                // the kill. A link that was up can only be followed by a handshake begun after.
                awaitLinkUp(jedis, LINK_UP_WAIT_MILLIS);
                jedis.clientKill(ClientKillParams.clientKillParams().type(ClientType.MASTER));
            });
            log.info("replica {} now logs in to its master {} as {}", instance.id(), upstream,
                    RedisUsers.REPLICATION_USER);
        }
        if (!after.equals(before)) {
            instance.writeUsers(after);
            log.info("instance {} has its agent and replication users ({})", instance.id(), after.state());
        }
    }

    private void restrictTenant(ManagedInstance instance) {
        requireNoReplicaLogsInAsTheTenant(instance);
        RedisUsers restricted = instance.users().restricted();
        String[] rules = Stream.concat(Stream.of("on"), restricted.tenantRules().stream()).toArray(String[]::new);
        instance.runOnRedis(jedis -> jedis.aclSetUser(RedisUsers.DEFAULT_USER, rules));
        if (!restricted.equals(instance.users())) {
            instance.writeUsers(restricted);
            log.info("instance {}: the tenant's default user is restricted", instance.id());
        }
    }

    /**
     * The damage the phases exist to prevent, refused where it would happen: a replica linked to this
     * instance as the default user would have its PSYNC and REPLCONF ACKs refused once restricted.
     */
    private static void requireNoReplicaLogsInAsTheTenant(ManagedInstance instance) {
        List<String> asTenant = instance.withRedis(jedis -> jedis.clientList(ClientType.REPLICA).lines()
                .filter(line -> (" " + line + " ").contains(" user=" + RedisUsers.DEFAULT_USER + " "))
                .map(line -> line.replaceAll(".*\\baddr=(\\S+).*", "$1"))
                .toList());
        if (!asTenant.isEmpty()) {
            throw new GuestOperationException("instance " + instance.id() + ": replicas " + asTenant
                    + " still log in to it as the default user, whose restriction would refuse their PSYNC"
                    + " and REPLCONF ACK; configure access on them first");
        }
    }

    /** Polls INFO replication until master_link_status is up, at most {@code millis}. */
    private static void awaitLinkUp(Jedis jedis, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!InfoReplication.parse(jedis.info("replication")).masterLinkUp() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void requireMasterAccepts(ManagedInstance instance, ReplicationSettings.Upstream master) {
        try (Jedis jedis = master.endpoint(instance.endpoint().timeout()).open()) {
            jedis.ping();
        } catch (JedisException e) {
            throw new GuestOperationException("instance " + instance.id() + ": its master " + master
                    + " does not accept the replication user yet (" + e.getMessage()
                    + "); configure access on the master first");
        }
    }
}
