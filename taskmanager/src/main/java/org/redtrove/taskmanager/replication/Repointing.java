package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.redtrove.common.Membership;
import org.redtrove.common.TaskStatus;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.instances.InstanceRepository;
import org.redtrove.taskmanager.jobs.JobContext;
import org.redtrove.taskmanager.jobs.JobRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Points members of a set at their new master, all at once: each is an independent REPLICAOF that
 * continues by partial resync, so the whole set follows in one round trip. The new master was
 * committed (with the epoch these commands carry) before, so the database already shows every
 * member following it. Each member is a job step of its own, so a resumed job skips the ones
 * already done. A member that fails is marked with the job's error task and reported; the others
 * go on, and the set supervisor re-points it once it can be reached. Used by promote and eject.
 */
@Component
public class Repointing {

    private static final Logger log = LoggerFactory.getLogger(Repointing.class);
    /** Long enough for a client to have seen +switch-master (they follow within 0.1-0.6 s here). */
    private static final long SECOND_SWEEP_AFTER_MILLIS = 1_000;

    /** One member that could not be pointed at the new master. */
    public record Failure(UUID instanceId, String message) {
    }

    private final InstanceRepository instances;
    private final ReplicationGuests guests;

    public Repointing(InstanceRepository instances, ReplicationGuests guests) {
        this.instances = instances;
        this.guests = guests;
    }

    /**
     * Closes the old master's tenant connections once the new master is announced, as Sentinel does:
     * redis-py, Lettuce's plain client and ioredis by default only move on a disconnect. Then once
     * more, a second later: a client that reconnected to the old node before it saw the event is
     * still there, and Jedis's pool keeps a connection borrowed across its switch and hands it out
     * again (its host reads as the new master's: the socket factory is shared), refused as READONLY
     * until it is closed. Not closing them leaves them refused as READONLY, never writing to the
     * wrong node: a failure is recorded in the job, not fatal.
     */
    public void disconnectOldMastersClients(JobContext context, Instance oldMaster) {
        try {
            context.step("disconnect-old-master-clients", () -> guests.disconnectClients(oldMaster));
            if (!context.isDone("disconnect-old-master-clients-again")) {
                JobContext.sleep(SECOND_SWEEP_AFTER_MILLIS);
            }
            context.step("disconnect-old-master-clients-again", () -> guests.disconnectClients(oldMaster));
        } catch (RuntimeException e) {
            if (JobRunner.isDatabaseLoss(e)) {
                throw e;
            }
            log.warn("Could not close the clients of the old master {}: {}", oldMaster.id(), e.getMessage());
            context.progress("oldMasterClients", "not closed: " + e.getMessage());
        }
    }

    /**
     * @param membersByStep the members to re-point, each under the name of its job step
     * @param errorTask     the task a member that fails is left in
     */
    public List<Failure> repoint(JobContext context, Map<String, Instance> membersByStep, UUID newMasterId,
                                 Membership membership, String replicationPassword, TaskStatus errorTask) {
        Instance newMaster = instances.get(newMasterId);
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        guests.runParallel(membersByStep.entrySet().stream().<Runnable>map(entry -> () -> {
            Instance member = entry.getValue();
            try {
                context.step(entry.getKey(),
                        () -> guests.follow(member, newMaster, membership, replicationPassword));
            } catch (RuntimeException e) {
                if (JobRunner.isDatabaseLoss(e)) {
                    throw e; // not this member's failure: the job resumes once the database is back
                }
                failures.add(new Failure(member.id(), e.getMessage()));
                instances.setFault(member.id(), errorTask, e.getMessage());
            }
        }).toList());
        return List.copyOf(failures);
    }

    public static Set<UUID> failedIds(List<Failure> failures) {
        return failures.stream().map(Failure::instanceId).collect(Collectors.toSet());
    }

    public static String describe(List<Failure> failures) {
        return failures.stream().map(f -> f.instanceId() + ": " + f.message()).collect(Collectors.joining("; "));
    }
}
