package org.redtrove.taskmanager.failover;

import java.util.List;
import java.util.UUID;
import org.redtrove.common.Situation;

/**
 * The failure analysis of one set at one moment: its situation, why, and what each member looks
 * like. Stored on the set (replica_sets.analysis) and shown by the api's replica set route.
 *
 * @param summary one sentence for people: what is wrong and what happens about it
 * @param members the evidence per member
 */
public record Analysis(Situation situation, String summary, List<MemberFinding> members) {

    /**
     * @param role   "master" or "replica", as the set records it
     * @param health what the supervisor makes of it (HEALTHY, SYNCING, UNREACHABLE, FAILED, DIVERGED)
     * @param detail why, when it is not healthy
     */
    public record MemberFinding(UUID instanceId, String name, String role, String health, String detail) {
    }
}
