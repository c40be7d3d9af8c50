package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.redtrove.common.ReplicationInfo;

/**
 * Which replica of a failed master takes over (DESIGN.md decision 7), in one place.
 *
 * <p>Only replicas that follow the master's replication history and have completed a sync since
 * they were pointed at it may be chosen: a replica that never finished a sync holds an empty or
 * partial data set, and promoting it would wipe every other replica through a full sync (the
 * "empty master" failure of kubeblocks#10753 and spotahome#97). Among those, the highest processed
 * offset wins, because it holds the most of the master's writes; equal offsets go to the replica
 * that heard from the master most recently; the instance id breaks what remains, so that the same
 * observations always give the same answer.
 */
public final class CandidateRanking {

    private CandidateRanking() {
    }

    /** One replica that may be promoted, with the figures that placed it. */
    public record Ranked(UUID instanceId, long offset, long millisSinceMasterIo, String replId) {
    }

    /** One replica that may not, and why. */
    public record Excluded(UUID instanceId, String reason) {
    }

    /**
     * The outcome, kept with the eject job and shown to the user.
     *
     * @param history the replication id the eligible replicas share
     */
    public record Ranking(List<Ranked> eligible, List<Excluded> excluded, String history) {

        public Optional<UUID> chosen() {
            return eligible.isEmpty() ? Optional.empty() : Optional.of(eligible.get(0).instanceId());
        }
    }

    private static final Comparator<Ranked> MOST_CURRENT_FIRST = Comparator
            .comparingLong(Ranked::offset).reversed()
            .thenComparingLong(r -> r.millisSinceMasterIo() < 0 ? Long.MAX_VALUE : r.millisSinceMasterIo())
            .thenComparing(Ranked::instanceId);

    /**
     * @param masterReplId the replication id the master last reported, or null if unknown; when
     *                     null, the history shared by most synced replicas is taken (the most
     *                     advanced one on a tie)
     */
    public static Ranking rank(List<ReplicaObservation> replicas, String masterReplId) {
        List<Excluded> excluded = new ArrayList<>();
        List<Ranked> synced = new ArrayList<>();
        for (ReplicaObservation o : replicas) {
            String reason = exclusion(o);
            if (reason != null) {
                excluded.add(new Excluded(o.instanceId(), reason));
            } else {
                ReplicationInfo info = o.info();
                synced.add(new Ranked(o.instanceId(), info.processedOffset(), info.millisSinceMasterIo(),
                        info.replId()));
            }
        }
        String history = masterReplId != null ? masterReplId : dominantHistory(synced);
        List<Ranked> eligible = new ArrayList<>();
        for (Ranked r : synced) {
            if (history != null && history.equals(r.replId())) {
                eligible.add(r);
            } else {
                excluded.add(new Excluded(r.instanceId(),
                        "follows another replication history (" + r.replId() + ", expected " + history + ")"));
            }
        }
        eligible.sort(MOST_CURRENT_FIRST);
        return new Ranking(List.copyOf(eligible), List.copyOf(excluded), history);
    }

    private static String exclusion(ReplicaObservation o) {
        if (o.info() == null) {
            return "unreachable: " + o.unreachable();
        }
        ReplicationInfo info = o.info();
        if (!info.isReplica()) {
            return "is not a replica (role " + info.role() + ")";
        }
        if (info.syncInProgress()) {
            return "a full sync is in progress";
        }
        if (!info.syncCompleted()) {
            return "has never completed a sync with this master";
        }
        return null;
    }

    private static String dominantHistory(List<Ranked> synced) {
        Map<String, Integer> members = new HashMap<>();
        Map<String, Long> furthest = new HashMap<>();
        for (Ranked r : synced) {
            members.merge(r.replId(), 1, Integer::sum);
            furthest.merge(r.replId(), r.offset(), Math::max);
        }
        return members.keySet().stream()
                .max(Comparator.<String>comparingInt(members::get).thenComparingLong(furthest::get))
                .orElse(null);
    }
}
