package org.redtrove.benchmarks;

import java.util.List;

/**
 * A master/replica set under test, as the fault runs see it: RedTrove's set of three instances on
 * three hosts, or three redis-servers watched by three Sentinels. The runs inflict the same faults
 * on both; what each system does about them is its own.
 */
interface FailoverTarget {

    /** The current master: where to write, and the pid to signal. */
    record Master(FollowingWriter.Endpoint endpoint, long pid) {
    }

    Master master() throws Exception;

    /** RedTrove's set epoch, Sentinel's config-epoch: one more per failover. */
    long epoch() throws Exception;

    /** Where a client looks for the master; {@code failedPort} is where its last write failed. */
    List<FollowingWriter.Endpoint> candidates(int failedPort);

    /** The master's whole host is lost (for Sentinel, which has no agent: its redis-server is killed). */
    void loseHost(Master master) throws Exception;

    /** After the failover: bring back what the fault took (a lost host), so the old master can return. */
    void bringBack(FaultKind fault, Master oldMaster) throws Exception;

    /** True when the old master serves again after this fault (restarted by an agent, or resumed). */
    boolean oldMasterReturns(FaultKind fault);

    /** Waits until the set is whole again: every member replicating, nothing in progress. */
    void awaitSettled(Master oldMaster) throws Exception;

    /** The faults inflicted on a master. */
    enum FaultKind {
        KILL("master redis-server SIGKILL"),
        STOP("master SIGSTOP until failed over"),
        HOST_LOST("master host lost");

        final String label;

        FaultKind(String label) {
            this.label = label;
        }
    }
}
