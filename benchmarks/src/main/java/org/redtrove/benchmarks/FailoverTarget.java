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

    /** Every member's server, whatever its role: where the switch can be seen to happen. */
    List<FollowingWriter.Endpoint> members();

    /** What a Sentinel-aware client is given: the master name, the sentinels to ask, the password. */
    SentinelClientWriter.Discovery discovery();

    /**
     * Asks for a planned switchover away from {@code master}: RedTrove's promote of a replica,
     * Sentinel's {@code SENTINEL FAILOVER}. Answers when the request that was accepted was sent
     * ({@link System#nanoTime}): a request refused because the last switchover is not quite over
     * is sent again, and is not counted.
     */
    long requestSwitchover(Master master) throws Exception;

    /**
     * Waits until the switchover asked for is done and the set is whole again, the old master a
     * replica of the new one; answers the write pause the system itself reports for it, or -1.
     */
    double awaitSwitchedOver(Master oldMaster) throws Exception;

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
