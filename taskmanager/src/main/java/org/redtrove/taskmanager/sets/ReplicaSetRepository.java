package org.redtrove.taskmanager.sets;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.Membership;
import org.redtrove.common.secrets.SecretBox;
import org.redtrove.taskmanager.TaskManagerSecrets;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one writer of topology: who is a set's master, at which epoch, and the replica_of projection
 * the Trove views read. A change of master is one transaction that moves the master, bumps the
 * epoch and re-points every member's replica_of, so the database never shows half a topology.
 */
@Repository
public class ReplicaSetRepository {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SELECT = """
            select id, project_id, name, master_id, epoch, failover_blocked_until from replica_sets
            """;

    private final JdbcClient jdbc;
    private final SecretBox secrets;

    public ReplicaSetRepository(JdbcClient jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    public Optional<ReplicaSet> find(UUID setId) {
        return jdbc.sql(SELECT + " where id = ?").param(setId).query(ReplicaSetRepository::map).optional();
    }

    public ReplicaSet get(UUID setId) {
        return find(setId).orElseThrow(() -> new JobFailedException("Replica set " + setId + " does not exist."));
    }

    /** The set of an instance. */
    public ReplicaSet ofInstance(UUID instanceId) {
        return jdbc.sql(SELECT + " where id = (select replica_set_id from instances where id = ?)").param(instanceId)
                .query(ReplicaSetRepository::map).optional()
                .orElseThrow(() -> new JobFailedException("Instance " + instanceId + " belongs to no replica set."));
    }

    /** Locks the set's row for the caller's transaction: every decision about a set's master takes it. */
    @Transactional(propagation = Propagation.MANDATORY)
    public ReplicaSet lock(UUID setId) {
        return jdbc.sql(SELECT + " where id = ? for update").param(setId).query(ReplicaSetRepository::map).single();
    }

    /**
     * Commits {@code newMaster} as the set's master at the next epoch: the intent a job records
     * before it asks any guest to change a role. Refused when the set is no longer at
     * {@code expectedEpoch} (someone else changed its master meanwhile) unless newMaster already is
     * the master at the epoch after it, which is what a resumed job finds.
     *
     * @return the set's membership at the new epoch
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Membership commitMaster(UUID setId, long expectedEpoch, UUID newMaster) {
        ReplicaSet set = lock(setId);
        if (set.epoch() == expectedEpoch + 1 && set.masterId().equals(newMaster)) {
            return set.membership();
        }
        if (set.epoch() != expectedEpoch) {
            throw new JobFailedException("The master of replica set " + set.name() + " changed meanwhile (epoch "
                    + set.epoch() + ", expected " + expectedEpoch + ").");
        }
        // No node is announced to Sentinel clients until the new master answers as one (announce).
        jdbc.sql("""
                update replica_sets set master_id = ?, epoch = epoch + 1, serving_master_id = null,
                       serving_epoch = null, serving_since = null, updated_at = now()
                 where id = ?""")
                .params(newMaster, setId).update();
        jdbc.sql("""
                update instances set replica_of = case when id = :master then null else cast(:master as uuid) end,
                       updated_at = now()
                 where replica_set_id = :set and not deleted""")
                .param("master", newMaster).param("set", setId).update();
        return new Membership(setId, expectedEpoch + 1);
    }

    /**
     * Takes a replica out of its set into a new set of its own, as its master at epoch 1: the
     * intent of a detach. Repeating it for an instance that already masters a set of its own
     * answers that set.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Membership moveToOwnSet(UUID instanceId) {
        ReplicaSet current = lock(ofInstance(instanceId).id());
        if (current.masterId().equals(instanceId)) {
            return current.membership();
        }
        UUID setId = UUID.randomUUID();
        String name = jdbc.sql("select name from instances where id = ?").param(instanceId).query(String.class).single();
        jdbc.sql("""
                insert into replica_sets (id, project_id, name, master_id)
                select :set, project_id, :name, id from instances where id = :id""")
                .param("set", setId).param("name", uniqueName(current.projectId(), name)).param("id", instanceId)
                .update();
        jdbc.sql("update instances set replica_set_id = ?, replica_of = null, updated_at = now() where id = ?")
                .params(setId, instanceId).update();
        return new Membership(setId, 1);
    }

    /** A deleted instance leaves its set; a set left without members goes with it. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void removeMember(UUID instanceId) {
        UUID setId = jdbc.sql("select replica_set_id from instances where id = ?").param(instanceId)
                .query(UUID.class).optional().orElse(null);
        if (setId == null) {
            return;
        }
        jdbc.sql("update instances set replica_set_id = null where id = ?").param(instanceId).update();
        boolean empty = jdbc.sql("select not exists (select 1 from instances where replica_set_id = ? and not deleted)")
                .param(setId).query(Boolean.class).single();
        if (empty) {
            jdbc.sql("delete from replica_sets where id = ?").param(setId).update();
        }
    }

    /** The replication user's password of the set, generated (and sealed) on first use. */
    @Transactional
    public String replicationPassword(UUID setId) {
        String sealed = jdbc.sql("select replication_password from replica_sets where id = ? for update")
                .param(setId).query(String.class).optional().orElse(null);
        if (sealed != null) {
            return secrets.open(TaskManagerSecrets.REPLICATION_PASSWORD, sealed);
        }
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        jdbc.sql("update replica_sets set replication_password = ? where id = ?")
                .params(secrets.seal(TaskManagerSecrets.REPLICATION_PASSWORD, password), setId).update();
        return password;
    }

    /**
     * Records that the set's master answers as a master at this epoch, after its guest confirmed
     * the promotion: from now on the Sentinel endpoint announces it (and publishes +switch-master
     * when it differs from the last one announced). A confirmation from an older epoch, or for a
     * member that is no longer the recorded master, changes nothing.
     */
    public void announce(UUID setId, long epoch, UUID masterId) {
        jdbc.sql("""
                update replica_sets set serving_master_id = master_id, serving_epoch = epoch,
                       serving_since = clock_timestamp()
                 where id = ? and epoch = ? and master_id = ?
                   and serving_master_id is distinct from master_id""")
                .params(setId, epoch, masterId).update();
    }

    /** A new instance that founded its set, once it answers: announced at the set's epoch. */
    public void announceFounder(UUID instanceId) {
        jdbc.sql("""
                update replica_sets set serving_master_id = master_id, serving_epoch = epoch,
                       serving_since = clock_timestamp()
                 where master_id = ? and serving_master_id is null""")
                .param(instanceId).update();
    }

    /** Anti-flapping: no automatic failover of the set for {@code period}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void blockFailover(UUID setId, Duration period) {
        jdbc.sql("update replica_sets set failover_blocked_until = now() + make_interval(secs => ?) where id = ?")
                .params(period.toMillis() / 1000.0, setId).update();
    }

    /** Stores the latest failure analysis when it changed; answers whether it did. */
    public boolean recordAnalysis(UUID setId, String situation, String analysisJson) {
        return jdbc.sql("""
                update replica_sets set situation = ?, analysis = cast(? as jsonb), analyzed_at = now()
                 where id = ? and (situation <> ? or analysis is distinct from cast(? as jsonb))""")
                .params(situation, analysisJson, setId, situation, analysisJson).update() > 0;
    }

    private String uniqueName(String projectId, String name) {
        boolean taken = jdbc.sql("select exists (select 1 from replica_sets where project_id = ? and name = ?)")
                .params(projectId, name).query(Boolean.class).single();
        return taken ? name + "-" + UUID.randomUUID().toString().substring(0, 8) : name;
    }

    private static ReplicaSet map(ResultSet rs, int row) throws SQLException {
        return new ReplicaSet(rs.getObject("id", UUID.class), rs.getString("project_id"), rs.getString("name"),
                rs.getObject("master_id", UUID.class), rs.getLong("epoch"),
                rs.getObject("failover_blocked_until", OffsetDateTime.class));
    }
}
