package org.redtrove.taskmanager.guest;

import java.time.Duration;
import org.redtrove.common.GuestReply;
import org.redtrove.common.GuestRequest;
import org.redtrove.taskmanager.jobs.JobFailedException;
import org.springframework.stereotype.Component;

/**
 * Guest RPC as jobs use it: a request that times out is sent again (every request is idempotent
 * on the guest), and a guest that stays silent becomes a job failure with a message for the user.
 */
@Component
public class GuestCalls {

    private static final int ATTEMPTS = 3;

    private final GuestClient client;

    public GuestCalls(GuestClient client) {
        this.client = client;
    }

    public GuestReply call(String hostId, GuestRequest request) {
        GuestUnavailableException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return client.call(hostId, request);
            } catch (GuestUnavailableException e) {
                last = e;
            }
        }
        throw new JobFailedException(last.getMessage());
    }

    /** One attempt with a caller-chosen timeout, for requests that are not safe to repeat blindly. */
    public GuestReply callOnce(String hostId, GuestRequest request, Duration timeout) {
        try {
            return client.call(hostId, request, timeout);
        } catch (GuestUnavailableException e) {
            throw new JobFailedException(e.getMessage());
        }
    }
}
