package org.redtrove.guestagent.tasks;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisSocketReplicator;
import java.io.IOException;
import java.net.Socket;

/**
 * A PSYNC reader of a source's replication stream that stops when told to.
 *
 * <p>The replicator's own {@code close()} only marks it closing: its loop ends at the next thing
 * the source sends, which on an idle source is the next replication PING, seconds away. A task
 * being stopped or moved must not read on that long (its log directory goes, or another reader of
 * the same task starts), so this one also hangs up, and the reader ends at once.
 */
final class SourceStream extends RedisSocketReplicator {

    SourceStream(String host, int port, Configuration configuration) {
        super(host, port, configuration);
    }

    @Override
    public void close() throws IOException {
        super.close();
        Socket connection = socket;
        if (connection != null) {
            connection.close();
        }
    }
}
