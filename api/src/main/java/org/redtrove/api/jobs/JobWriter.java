package org.redtrove.api.jobs;

import java.util.UUID;
import org.redtrove.common.JobKind;
import org.redtrove.common.JobParams;
import org.redtrove.common.JobState;
import org.redtrove.common.Wire;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Queues a job: the job row and its outbox row, inside the caller's transaction, so the job exists
 * exactly when the instance changes that asked for it are committed. The relay publishes it.
 */
@Component
public class JobWriter {

    private final JdbcClient jdbc;
    private final OutboxSignal signal;

    public JobWriter(JdbcClient jdbc, OutboxSignal signal) {
        this.jdbc = jdbc;
        this.signal = signal;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public UUID queue(JobKind kind, String projectId, UUID instanceId, JobParams params) {
        UUID jobId = UUID.randomUUID();
        jdbc.sql("""
                        insert into jobs (id, kind, project_id, instance_id, params, state)
                        values (:id, :kind, :project, :instance, cast(:params as jsonb), :state)""")
                .param("id", jobId).param("kind", kind.name()).param("project", projectId)
                .param("instance", instanceId).param("params", Wire.toJson(params))
                .param("state", JobState.QUEUED.name())
                .update();
        jdbc.sql("insert into outbox (job_id) values (:job)").param("job", jobId).update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                signal.wake();
            }
        });
        return jobId;
    }
}
