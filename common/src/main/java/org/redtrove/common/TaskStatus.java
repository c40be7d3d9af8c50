package org.redtrove.common;

/**
 * What RedTrove is doing to an instance (Trove's task status, trove/instance/tasks.py). Only NONE
 * allows a new action; the error tasks make the API show status ERROR.
 */
public enum TaskStatus {
    NONE, BUILDING, DELETING, PROMOTING, EJECTING, DETACHING, RESIZING, REBOOTING, BACKING_UP,
    BUILDING_ERROR_SERVER, BUILDING_ERROR_REPLICA, BUILDING_ERROR_TIMEOUT_GA,
    PROMOTION_ERROR, EJECTION_ERROR, DETACH_ERROR, DELETE_ERROR;

    public boolean isError() {
        return name().endsWith("_ERROR") || name().startsWith("BUILDING_ERROR");
    }
}
