package org.redtrove.taskmanager.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.taskmanager.instances.Instance;
import org.redtrove.taskmanager.jobs.JobContext;

/**
 * Where each replica of an attach job is, on the job's progress document as the jobs route shows
 * it: one entry per replica ({@code replica <name>}: its stage, the stages it went through, and
 * during its full sync the bytes received) and a {@code summary} line of all of them, which the client, the console and the
 * instance's own view show. Written when a replica's stage changes, and at most once a second while
 * its data arrives: every write is a database update.
 */
final class AttachProgress {

    private static final long EVERY_NANOS = 1_000_000_000L;

    /**
     * One replica's stage, as recorded: {@code text} says it in words (what the instance's view
     * shows), {@code stages} lists the stages so far, this one last; the figures are there for
     * programs.
     */
    record Stage(String stage, String text, List<String> stages, Long receivedBytes, Long totalBytes, Long offset,
                 Long target) {
        static Stage of(String stage) {
            return new Stage(stage, stage, List.of(), null, null, null, null);
        }

        static Stage receiving(long received, Long total) {
            return new Stage("receiving", "receiving the master's data, " + mb(received)
                    + (total != null ? " of " + mb(total) : ""), List.of(), received, total, null, null);
        }

        static Stage catchingUp(long offset, long target) {
            return new Stage("catching up", "catching up, offset " + offset + " of " + target, List.of(), null, null,
                    offset, target);
        }

        /** This stage after {@code before}: the history goes on, a stage repeated is not listed again. */
        Stage after(Stage before) {
            List<String> history = new ArrayList<>(before == null ? List.of() : before.stages());
            if (history.isEmpty() || !history.get(history.size() - 1).equals(stage)) {
                history.add(stage);
            }
            return new Stage(stage, text, List.copyOf(history), receivedBytes, totalBytes, offset, target);
        }
    }

    private final JobContext context;
    private final Map<UUID, String> names = new ConcurrentHashMap<>();
    private final Map<UUID, Stage> stages = new ConcurrentHashMap<>();
    private final Map<UUID, Long> writtenAt = new ConcurrentHashMap<>();

    AttachProgress(JobContext context) {
        this.context = context;
    }

    void stage(Instance replica, String stage) {
        record(replica, Stage.of(stage), true);
    }

    /** From a replica's report while it syncs: receiving its data, loading it, or catching up to target. */
    void syncing(Instance replica, ReplicationInfo info, long target) {
        Stage stage;
        if (info == null || !info.isReplica()) {
            stage = Stage.of("starting");
        } else if (info.syncInProgress()) {
            ReplicationInfo.SyncTransfer t = info.transfer();
            stage = t == null ? Stage.of("waiting for the master's snapshot")
                    : Stage.receiving(t.receivedBytes(), t.totalBytes() < 0 ? null : t.totalBytes());
        } else if (!info.masterLinkUp()) {
            stage = Stage.of("connecting to the master");
        } else {
            stage = Stage.catchingUp(info.processedOffset(), target);
        }
        Stage before = stages.get(replica.id());
        boolean changed = before == null || !before.stage().equals(stage.stage());
        record(replica, stage, changed);
    }

    private void record(Instance replica, Stage next, boolean now) {
        names.put(replica.id(), replica.name());
        Stage stage = next.after(stages.get(replica.id()));
        Stage before = stages.put(replica.id(), stage);
        long t = System.nanoTime();
        Long last = writtenAt.get(replica.id());
        if (Objects.equals(before, stage) || (!now && last != null && t - last < EVERY_NANOS)) {
            return;
        }
        writtenAt.put(replica.id(), t);
        context.progress("replica " + replica.name(), stage);
        context.progress("summary", summary());
    }

    String summary() {
        return stages.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> names.get(e.getKey()) + ": " + e.getValue().text())
                .collect(Collectors.joining("; "));
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }
}
