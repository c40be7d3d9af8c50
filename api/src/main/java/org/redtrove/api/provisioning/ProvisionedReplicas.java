package org.redtrove.api.provisioning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.redtrove.api.fault.ApiException;
import org.redtrove.api.instances.InstanceProvisioning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Gives each provisioned instance its {@code _REPLICAS} once it is ACTIVE and idle: a background
 * thread tries every {@code redtrove.provisioning.poll-interval} until each has them or
 * {@code redtrove.provisioning.replicas-timeout} has passed, and then gives up on the rest with an
 * ERROR (the next start tries again). A refusal (quota, a source that is a replica, no persistence)
 * is logged as an ERROR and not retried: waiting would not change it.
 */
@Component
class ProvisionedReplicas {

    private static final Logger log = LoggerFactory.getLogger(ProvisionedReplicas.class);

    private final InstanceProvisioning instances;
    private final Duration timeout;
    private final Duration interval;
    private volatile boolean running;
    private Thread thread;

    ProvisionedReplicas(InstanceProvisioning instances,
                        @Value("${redtrove.provisioning.replicas-timeout:5m}") Duration timeout,
                        @Value("${redtrove.provisioning.poll-interval:2s}") Duration interval) {
        this.instances = instances;
        this.timeout = timeout;
        this.interval = interval;
    }

    synchronized void start(List<Provisioner.ReplicaTarget> targets) {
        if (targets.isEmpty() || thread != null) {
            return;
        }
        running = true;
        thread = new Thread(() -> run(targets), "provisioned-replicas");
        thread.setDaemon(true);
        thread.start();
    }

    synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(interval.toMillis() + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    private void run(List<Provisioner.ReplicaTarget> targets) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Provisioner.ReplicaTarget> waiting = new ArrayList<>(targets);
        while (running) {
            waiting.removeIf(this::settled);
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                for (Provisioner.ReplicaTarget target : waiting) {
                    log.error("{}: instance '{}' ({}) was not ACTIVE within {}; it gets its {} replicas at the next "
                            + "start", target.group(), target.name(), target.instanceId(), timeout, target.replicas());
                }
                return;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One try: true when this start has nothing more to do for the target (done, gone or refused). */
    boolean settled(Provisioner.ReplicaTarget target) {
        try {
            InstanceProvisioning.ReplicaProgress progress = instances.topUpReplicas(target.projectId(),
                    target.instanceId(), target.replicas());
            if (progress == InstanceProvisioning.ReplicaProgress.SOURCE_GONE) {
                log.error("{}: instance '{}' ({}) was deleted before it got its replicas", target.group(),
                        target.name(), target.instanceId());
            }
            return progress != InstanceProvisioning.ReplicaProgress.SOURCE_NOT_READY;
        } catch (ApiException e) {
            log.error("{}: replicas of instance '{}' ({}) refused: {}", target.group(), target.name(),
                    target.instanceId(), e.getMessage());
            return true;
        } catch (RuntimeException e) {
            // the database away for a moment, say: the next try may pass
            log.warn("{}: replicas of instance '{}' not requested yet: {}", target.group(), target.name(),
                    e.toString());
            return false;
        }
    }
}
