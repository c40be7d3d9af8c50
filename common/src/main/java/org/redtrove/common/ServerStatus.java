package org.redtrove.common;

/** Whether the instance was built (Trove's Nova server status, without Nova). */
public enum ServerStatus {
    BUILD, ACTIVE, ERROR, SHUTDOWN
}
