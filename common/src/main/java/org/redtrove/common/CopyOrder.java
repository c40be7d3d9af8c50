package org.redtrove.common;

import java.util.UUID;

/**
 * A copy as the taskmanager hands it to the guest agent that runs it: both ends resolved to an
 * address and a password (an instance's set master for a target instance), and the job's filters.
 *
 * @param copyId the COPY job's id: it names the copy's marker on the target, so a copy resumed on
 *               any agent, after any crash, continues from what the target holds
 */
public record CopyOrder(UUID copyId, Endpoint source, Endpoint target, CopySpec spec) {

    /**
     * @param shown how messages name this end (an instance's name, a URL): never the password
     */
    public record Endpoint(String host, int port, int db, boolean tls, String password, String shown) {

        @Override
        public String toString() {
            return shown; // records print their fields: never the password
        }
    }
}
