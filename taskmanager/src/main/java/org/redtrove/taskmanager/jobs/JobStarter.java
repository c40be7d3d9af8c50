package org.redtrove.taskmanager.jobs;

import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Jobs the taskmanager decides on itself (an automatic failover, a repair): written in the caller's
 * transaction, with the decision it depends on, and run by this process as soon as that commits,
 * without a round trip through the api's outbox and the broker. If this process dies first, the
 * job is an unclaimed QUEUED row, which JobRecovery publishes again.
 */
@Component
public class JobStarter {

    private final JdbcClient jdbc;
    private final JobRunner runner;
    private final ExecutorService local = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-job");
        t.setDaemon(true);
        return t;
    });

    public JobStarter(JdbcClient jdbc, JobRunner runner) {
        this.jdbc = jdbc;
        this.runner = runner;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public UUID start(JobKind kind, String projectId, UUID instanceId, JobParams params) {
        UUID jobId = UUID.randomUUID();
        jdbc.sql("""
                        insert into jobs (id, kind, project_id, instance_id, params, state)
                        values (:id, :kind, :project, :instance, cast(:params as jsonb), :state)""")
                .param("id", jobId).param("kind", kind.name()).param("project", projectId)
                .param("instance", instanceId).param("params", Wire.toJson(params))
                .param("state", JobState.QUEUED.name())
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                local.execute(() -> runner.run(jobId));
            }
        });
        return jobId;
    }
}
