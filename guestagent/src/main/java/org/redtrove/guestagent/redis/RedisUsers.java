package org.redtrove.guestagent.redis;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.redtrove.common.AccessState;
import org.redtrove.guestagent.redis.ReplicationSettings.ConfigText;

/**
 * Who may log in to one instance's Redis and what each may do: the one place the ACL rules live.
 * redis.conf is the only copy (0600); {@link InstanceDirectory} reads and writes these lines there.
 *
 * <ul>
 * <li>{@code default}: the tenant, who logs in with the password alone. Restricted, it keeps every
 * data command and loses those that change replication, persistence, limits, users or the server,
 * so a tenant cannot break the set the agent and the taskmanager maintain.</li>
 * <li>{@value #AGENT_USER}: the agent itself, everything; its password is generated here and never
 * leaves the host.</li>
 * <li>{@value #REPLICATION_USER}: how replicas (and their agents' PINGs) reach this instance as a
 * master; the set-wide replication password.</li>
 * </ul>
 *
 * @param agentPassword null for an instance created before ACLs ({@link AccessState#LEGACY}): it has
 *                      {@code requirepass} and the agent logs in as the tenant
 */
record RedisUsers(String tenantPassword, String agentPassword, String replicationPassword,
                  boolean tenantRestricted) {

    static final String DEFAULT_USER = "default";
    static final String AGENT_USER = "redtrove-agent";
    static final String REPLICATION_USER = "redtrove-replica";

    /**
     * In Redis 7.0 {@code -@admin} already takes away REPLICAOF/SLAVEOF, SYNC/PSYNC/REPLCONF,
     * FAILOVER, ROLE, every CONFIG subcommand, ACL SETUSER/DELUSER/LOAD/SAVE/LIST/GETUSER/LOG,
     * DEBUG, MODULE, SHUTDOWN, SAVE/BGSAVE/BGREWRITEAOF/LASTSAVE, MONITOR, CLIENT
     * KILL/PAUSE/UNPAUSE/UNBLOCK/NO-EVICT/LIST, SLOWLOG, LATENCY and the CLUSTER admin commands.
     * What is left of those families: SCRIPT DEBUG, whose SYNC mode blocks the whole server for a
     * debugging session and whose YES mode forks it like a BGSAVE. CONFIG GET goes with the rest,
     * and must: it would show a replica's masterauth, the replication password. ROLE is given back:
     * it changes nothing, shows only addresses the API shows too, and Sentinel's client guidelines
     * have clients check with it that the node they were given is the master.
     */
    private static final List<String> TENANT_RESTRICTION = List.of("-@admin", "+role", "-script|debug");
    private static final List<String> EVERYTHING = List.of("~*", "&*", "+@all");
    /** What a replica sends its master: AUTH (always allowed), PING, REPLCONF, PSYNC. */
    private static final List<String> REPLICATION_COMMANDS = List.of("+psync", "+replconf", "+ping");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new instance's users: the tenant restricted from the start. */
    static RedisUsers forNewInstance(String tenantPassword, String replicationPassword) {
        return new RedisUsers(tenantPassword, newAgentPassword(), replicationPassword, true);
    }

    /** 144 random bits, hex: nothing redis.conf would need to quote. */
    static String newAgentPassword() {
        byte[] bits = new byte[18];
        RANDOM.nextBytes(bits);
        return HexFormat.of().formatHex(bits);
    }

    AccessState state() {
        if (agentPassword == null) {
            return AccessState.LEGACY;
        }
        return tenantRestricted ? AccessState.RESTRICTED : AccessState.USERS;
    }

    /** The user the agent logs in as; null means Redis's default user (a LEGACY instance). */
    String agentLoginUser() {
        return agentPassword == null ? null : AGENT_USER;
    }

    String agentLoginPassword() {
        return agentPassword == null ? tenantPassword : agentPassword;
    }

    RedisUsers withAgentAndReplication(String agent, String replication) {
        return new RedisUsers(tenantPassword, agent, replication, tenantRestricted);
    }

    RedisUsers restricted() {
        return new RedisUsers(tenantPassword, agentPassword, replicationPassword, true);
    }

    /** The redis.conf lines: requirepass for a LEGACY instance, else the three users. */
    List<String> configLines() {
        if (agentPassword == null) {
            return List.of("requirepass " + ConfigText.quote(tenantPassword));
        }
        return List.of(
                line(DEFAULT_USER, tenantPassword, tenantRules()),
                line(AGENT_USER, agentPassword, EVERYTHING),
                line(REPLICATION_USER, replicationPassword, REPLICATION_COMMANDS));
    }

    private static String line(String user, String password, List<String> rules) {
        return "user " + user + " on " + ConfigText.quote(">" + password) + " " + String.join(" ", rules);
    }

    /**
     * ACL SETUSER arguments for the tenant's rights, without a password: the default user keeps its
     * password and its connections.
     */
    List<String> tenantRules() {
        List<String> rules = new ArrayList<>(EVERYTHING);
        if (tenantRestricted) {
            rules.addAll(TENANT_RESTRICTION);
        }
        return rules;
    }

    /**
     * ACL SETUSER arguments that make the agent user exactly what redis.conf says. {@code reset}
     * replaces an older password; connections already logged in as the user stay.
     */
    String[] agentSetUser() {
        return setUser(agentPassword, EVERYTHING);
    }

    String[] replicationSetUser() {
        return setUser(replicationPassword, REPLICATION_COMMANDS);
    }

    private static String[] setUser(String password, List<String> rules) {
        List<String> args = new ArrayList<>(List.of("reset", "on", ">" + password));
        args.addAll(rules);
        return args.toArray(String[]::new);
    }

    /**
     * Reads the users back from redis.conf's words: {@code requirepass} (LEGACY) or the user lines
     * this class writes.
     */
    static RedisUsers parse(List<List<String>> configWords) {
        String tenant = null;
        String agent = null;
        String replication = null;
        boolean restricted = false;
        for (List<String> words : configWords) {
            if (words.size() >= 2 && words.get(0).equals("requirepass")) {
                tenant = words.get(1);
            } else if (words.size() >= 3 && words.get(0).equals("user")) {
                String password = words.stream().filter(w -> w.startsWith(">")).findFirst()
                        .map(w -> w.substring(1)).orElse(null);
                switch (words.get(1)) {
                    case DEFAULT_USER -> {
                        tenant = password;
                        restricted = words.contains("-@admin");
                    }
                    case AGENT_USER -> agent = password;
                    case REPLICATION_USER -> replication = password;
                    default -> {
                    }
                }
            }
        }
        if (tenant == null) {
            throw new IllegalStateException("redis.conf has neither requirepass nor a default user password");
        }
        return new RedisUsers(tenant, agent, replication, restricted);
    }

    /** Never print a password. */
    @Override
    public String toString() {
        return "RedisUsers[" + state() + "]";
    }
}
