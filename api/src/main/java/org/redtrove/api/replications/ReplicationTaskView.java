package org.redtrove.api.replications;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.redtrove.common.ReplicationTaskReport;

/**
 * A task as {@code GET /replications/{name}} shows it: ReductStore's FullReplicationInfo (info,
 * settings, diagnostics), with RedTrove's figures from the agent's report added to info. Keys are
 * always present, null included, as ReductStore's clients expect. Figures come from the latest
 * report; with none yet they are zero, with no errors, no position and a lag of -1 (no batch).
 */
record ReplicationTaskView(Info info, Settings settings, Diagnostics diagnostics) {

    /** A task in {@code GET /replications}: ReductStore's ReplicationInfo. */
    record Item(String name, String mode, @JsonProperty("is_active") boolean isActive,
                @JsonProperty("is_provisioned") boolean isProvisioned,
                @JsonProperty("pending_records") long pendingRecords) {

        static Item of(ReplicationTask task) {
            return new Item(task.name(), task.mode().wire(), task.isActive(), task.provisioned(),
                    task.runtime() == null ? 0 : task.runtime().pendingRecords());
        }
    }

    record Info(String name, String mode, @JsonProperty("is_active") boolean isActive,
                @JsonProperty("is_provisioned") boolean isProvisioned,
                @JsonProperty("pending_records") long pendingRecords,
                @JsonProperty("bytes_behind") long bytesBehind,
                @JsonProperty("last_batch_lag_ms") long lastBatchLagMs,
                @JsonProperty("last_error") String lastError, Applied applied) {
    }

    /** The last source position applied on the destination. */
    record Applied(@JsonProperty("repl_id") String replId, long offset, int db) {
    }

    /** The settings as stored; the password only as the mask, and only when there is one. */
    record Settings(@JsonProperty("src_instance") UUID srcInstance, @JsonProperty("dst_instance") UUID dstInstance,
                    @JsonProperty("dst_host") String dstHost, @JsonProperty("dst_password") String dstPassword,
                    List<String> entries, Map<String, String> include, Map<String, String> exclude,
                    @JsonProperty("each_n") Integer eachN, @JsonProperty("each_s") Double eachS, String mode) {
    }

    /** ReductStore's diagnostics, with the last hour's minutes added (for the console's charts). */
    record Diagnostics(Hourly hourly, List<Minute> minutes) {
    }

    /** One recorded minute: records applied and failed in it, and the most pending at once. */
    record Minute(String minute, long ok, long errored, long pending) {
    }

    record Hourly(long ok, long errored, Map<String, ErrorCount> errors) {
    }

    record ErrorCount(long count, @JsonProperty("last_message") String lastMessage) {
    }

    static ReplicationTaskView of(ReplicationTask task) {
        ReplicationTaskReport report = task.runtime();
        ReplicationTaskReport.Position applied = report == null ? null : report.applied();
        Info info = new Info(task.name(), task.mode().wire(), task.isActive(), task.provisioned(),
                report == null ? 0 : report.pendingRecords(), report == null ? 0 : report.bytesBehind(),
                report == null ? -1 : report.lastBatchLagMillis(), report == null ? null : report.lastError(),
                applied == null ? null : new Applied(applied.replId(), applied.offset(), applied.db()));
        Settings settings = new Settings(task.srcInstanceId(), task.dstInstanceId(), task.dstHost(),
                task.hasDstPassword() ? ReplicationSettings.MASK : null, task.entries(), task.include(),
                task.exclude(), task.eachN(), task.eachS(), task.mode().wire());
        return new ReplicationTaskView(info, settings, new Diagnostics(hourly(report), minutes(report)));
    }

    private static List<Minute> minutes(ReplicationTaskReport report) {
        if (report == null || report.hourly() == null || report.hourly().minutes() == null) {
            return List.of();
        }
        return report.hourly().minutes().stream().map(m -> new Minute(
                Instant.ofEpochSecond(m.minute() * 60).toString(), m.ok(), m.errored(), m.pending())).toList();
    }

    private static Hourly hourly(ReplicationTaskReport report) {
        ReplicationTaskReport.Hourly hourly = report == null ? null : report.hourly();
        if (hourly == null) {
            return new Hourly(0, 0, Map.of());
        }
        Map<String, ErrorCount> errors = new TreeMap<>();
        if (hourly.errors() != null) {
            hourly.errors().forEach((code, count) -> errors.put(code, count == null ? new ErrorCount(0, null)
                    : new ErrorCount(count.count(), count.lastMessage())));
        }
        return new Hourly(hourly.ok(), hourly.errored(), errors);
    }
}
