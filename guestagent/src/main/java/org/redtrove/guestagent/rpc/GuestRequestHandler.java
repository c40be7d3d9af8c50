package org.redtrove.guestagent.rpc;

import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.backups.BackupFile;
import org.redtrove.guestagent.backups.Snapshots;
import org.redtrove.guestagent.copies.CopyRuns;
import org.redtrove.guestagent.redis.GuestOperationException;
import org.redtrove.guestagent.redis.RedisHost;
import org.redtrove.guestagent.redis.RedisHost.OffsetReached;
import org.redtrove.guestagent.tasks.ReplicationTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Maps each guest RPC onto the {@link RedisHost}. Never throws: a failure becomes a
 * {@link GuestReply#failed} the taskmanager can record on its job.
 */
@Component
public class GuestRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(GuestRequestHandler.class);

    private final RedisHost redis;
    private final ReplicationTasks tasks;
    private final CopyRuns copies;
    private final Snapshots snapshots;

    public GuestRequestHandler(RedisHost redis, ReplicationTasks tasks, CopyRuns copies, Snapshots snapshots) {
        this.redis = redis;
        this.tasks = tasks;
        this.copies = copies;
        this.snapshots = snapshots;
    }

    public GuestReply handle(GuestRequest request) {
        try {
            return dispatch(request);
        } catch (GuestOperationException e) {
            log.warn("{} {} failed: {}", opName(request), request.instanceId(), e.getMessage());
            return GuestReply.failed(e.getMessage());
        } catch (RuntimeException e) {
            log.error("{} {} failed", opName(request), request.instanceId(), e);
            return GuestReply.failed(opName(request) + " failed on the guest: " + e);
        }
    }

    private GuestReply dispatch(GuestRequest request) {
        // Java 17: no pattern switch over the sealed family yet, hence the instanceof chain.
        if (request instanceof GuestRequest.Prepare r) {
            return GuestReply.ok(r.restore() == null ? redis.prepare(r) : redis.prepare(r, snapshots.seed(r.restore())));
        } else if (request instanceof GuestRequest.Delete r) {
            redis.delete(r.instanceId());
            return GuestReply.ok(null);
        } else if (request instanceof GuestRequest.Describe r) {
            return GuestReply.ok(redis.describe(r.instanceId()));
        } else if (request instanceof GuestRequest.ConfigureSource r) {
            return GuestReply.ok(redis.configureSource(r));
        } else if (request instanceof GuestRequest.BecomeMaster r) {
            return GuestReply.ok(redis.becomeMaster(r));
        } else if (request instanceof GuestRequest.Follow r) {
            return GuestReply.ok(redis.follow(r));
        } else if (request instanceof GuestRequest.ConfigureAccess r) {
            return GuestReply.ok(redis.configureAccess(r));
        } else if (request instanceof GuestRequest.PauseWrites r) {
            return withOffset(redis.pauseWrites(r.instanceId(), r.timeoutMillis()));
        } else if (request instanceof GuestRequest.Unpause r) {
            return GuestReply.ok(redis.unpause(r.instanceId()));
        } else if (request instanceof GuestRequest.DisconnectClients r) {
            return GuestReply.ok(redis.disconnectClients(r.instanceId()));
        } else if (request instanceof GuestRequest.RunReplicationTasks r) {
            tasks.run(r.instanceId(), r.tasks());
            return GuestReply.ok(null);
        } else if (request instanceof GuestRequest.RunCopy r) {
            return GuestReply.copy(copies.ensure(r.order()));
        } else if (request instanceof GuestRequest.Resize r) {
            return GuestReply.ok(redis.resize(r));
        } else if (request instanceof GuestRequest.Configure r) {
            return GuestReply.ok(redis.configure(r));
        } else if (request instanceof GuestRequest.Restart r) {
            return GuestReply.ok(redis.restart(r));
        } else if (request instanceof GuestRequest.LimitDisk r) {
            return GuestReply.ok(redis.limitDisk(r));
        } else if (request instanceof GuestRequest.Backup r) {
            BackupFile stored = snapshots.backup(r.instanceId(), r.key());
            return GuestReply.backup(redis.describe(r.instanceId()), stored);
        } else if (request instanceof GuestRequest.WaitForOffset r) {
            return withOffset(redis.waitForOffset(r.instanceId(), r.offset(), r.timeoutMillis()));
        }
        return GuestReply.failed("unknown request " + opName(request));
    }

    private static GuestReply withOffset(OffsetReached reached) {
        return new GuestReply(null, reached.instance(), reached.offset());
    }

    /** For logs: the request's records hold passwords, so they are never logged whole. */
    static String opName(GuestRequest request) {
        return request.getClass().getSimpleName();
    }
}
