package org.redtrove.api.sentinel;

import java.util.List;
import java.util.UUID;

/**
 * One replica set as the endpoint shows it, read from the database in one query.
 *
 * @param master   the announced master: the member the taskmanager last confirmed answering
 *                 role:master at the set's epoch, unless a newer heartbeat says otherwise; null
 *                 while a switch is under way (between its commit and the promotion) or before
 *                 a new set's first master answered
 * @param recorded the set's recorded master, announced or not
 * @param masterDown the latest failure analysis says the master does not answer
 * @param replicas every other placed member (a demoted master included, as Sentinel lists it)
 */
record SetSnapshot(UUID id, String projectId, String name, long epoch, String password, Node master,
                   Node recorded, boolean masterDown, List<Node> replicas) {

    /** A member: where clients reach it and what its guest last reported. */
    record Node(UUID instanceId, String ip, int port, String reportedRole, long reportAgeMillis, boolean linkUp,
                String masterHost, int masterPort, long offset) {

        String address() {
            return ip + ":" + port;
        }

        /** Whether this replica's guest reported it following {@code master}. */
        boolean sameMaster(Node master) {
            return master.ip.equals(masterHost) && master.port == masterPort;
        }

        boolean sameAddress(Node other) {
            return other != null && ip.equals(other.ip) && port == other.port;
        }
    }
}
