package org.redtrove.guestagent.redis;

import java.util.Objects;

/**
 * What a replica's agent knows of its master's own liveness: when the master this replica follows
 * (per its file) last answered the agent's PING ({@link LivenessPingers}). A replica confirms with it
 * that its master is gone, not merely cut off from the taskmanager. Re-pointing starts again from
 * "never", so the old master's answers never vouch for the new one.
 */
final class MasterAnswers {

    private RedisEndpoint master;
    private long answeredAtMillis = -1;
    private long watchedSinceMillis;

    MasterAnswers(RedisEndpoint master, long nowMillis) {
        this.master = master;
        this.watchedSinceMillis = nowMillis;
    }

    /** The replica now follows {@code newMaster} (null: it became a master). */
    synchronized void pointedAt(RedisEndpoint newMaster, long nowMillis) {
        if (!Objects.equals(newMaster, master)) {
            master = newMaster;
            answeredAtMillis = -1;
            watchedSinceMillis = nowMillis;
        }
    }

    synchronized RedisEndpoint master() {
        return master;
    }

    /** An answer from {@code from}; one from a master the replica no longer follows is ignored. */
    synchronized void answered(RedisEndpoint from, long nowMillis) {
        if (from.equals(master)) {
            answeredAtMillis = nowMillis;
        }
    }

    /** ReplicationInfo.millisSinceMasterAnswered: -1 if the master never answered. */
    synchronized long millisSinceAnswered(long nowMillis) {
        return answeredAtMillis < 0 ? -1 : Math.max(0, nowMillis - answeredAtMillis);
    }

    /** Silent for longer than {@code millis}, counting from when the watch began if it never answered. */
    synchronized boolean silentFor(long millis, long nowMillis) {
        return master != null && nowMillis - Math.max(answeredAtMillis, watchedSinceMillis) > millis;
    }
}
