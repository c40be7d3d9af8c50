package org.redtrove.api.provisioning;

import java.util.List;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the {@link Provisioner} with the process's environment when the api starts, before any port
 * opens, so no client sees the api without its provisioned objects; a {@link ProvisioningRefused}
 * thrown here stops the start. Once the api has started, {@link ProvisionedReplicas} gives the
 * provisioned instances their replicas as they become ACTIVE.
 */
@Component
class ProvisioningAtStart implements SmartLifecycle {

    /**
     * Lifecycles start after every SmartInitializingSingleton, so BootstrapAdmin's operator and
     * project exist by then; this phase is below the web server's (DEFAULT_PHASE - 2048) and the
     * Sentinel endpoint's (DEFAULT_PHASE), so it runs before either listens.
     */
    private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final Provisioner provisioner;
    private final ProvisionedReplicas replicas;
    private volatile boolean running;
    private volatile List<Provisioner.ReplicaTarget> replicaTargets = List.of();

    ProvisioningAtStart(Provisioner provisioner, ProvisionedReplicas replicas) {
        this.provisioner = provisioner;
        this.replicas = replicas;
    }

    @Override
    public void start() {
        replicaTargets = provisioner.provision(System.getenv()).replicaTargets();
        running = true;
    }

    /** Replicas need a built instance, which takes long: they are waited for without holding the start. */
    @EventListener(ApplicationReadyEvent.class)
    void started() {
        replicas.start(replicaTargets);
    }

    @Override
    public void stop() {
        replicas.stop();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
