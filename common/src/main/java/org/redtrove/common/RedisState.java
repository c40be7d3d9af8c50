package org.redtrove.common;

/** The state of one redis-server process as its guest agent sees it. */
public enum RedisState {
    /** Started, not answering yet (loading its data, for example). */
    STARTING,
    /** Answers PING with its password. */
    RUNNING,
    /** The process is alive but does not answer in time: hung, or overloaded. */
    UNRESPONSIVE,
    /** The process is gone; the agent is starting it again. */
    STOPPED,
    /** The agent could not start it; see the report's detail. */
    FAILED
}
