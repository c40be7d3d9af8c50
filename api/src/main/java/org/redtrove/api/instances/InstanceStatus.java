package org.redtrove.api.instances;

import org.redtrove.common.ServerStatus;
import org.redtrove.common.TaskStatus;

/**
 * Trove's user-facing status, derived from the task status (what RedTrove is doing) and the server
 * status (whether it was built), in the order of trove/instance/models.py (contract D.6).
 */
final class InstanceStatus {

    private InstanceStatus() {
    }

    /**
     * @param health how the taskmanager's set supervisor judges the member: a built, idle instance
     *               that cannot be reached, failed or diverged is ERROR, and one syncing again with
     *               its master BUILD, never ACTIVE (DESIGN.md decisions 6 and 12)
     */
    static String status(String task, String server, String health) {
        String status = status(task, server);
        if (!"ACTIVE".equals(status) || health == null) {
            return status;
        }
        return switch (health) {
            case "UNREACHABLE", "FAILED", "DIVERGED" -> "ERROR";
            case "SYNCING" -> "BUILD";
            default -> status;
        };
    }

    static String status(String task, String server) {
        if (isErrorTask(task)) {
            return "ERROR";
        }
        boolean serverError = ServerStatus.ERROR.name().equals(server);
        return switch (task) {
            case "BUILDING" -> serverError ? "ERROR" : "BUILD";
            case "PROMOTING" -> "PROMOTE";
            case "EJECTING" -> "EJECT";
            case "DETACHING" -> "DETACH";
            case "RESIZING" -> "RESIZE";
            case "REBOOTING" -> "REBOOT";
            case "BACKING_UP" -> "BACKUP";
            case "DELETING" -> serverError ? "ERROR" : "SHUTDOWN";
            default -> server == null ? "UNKNOWN" : server;
        };
    }

    /** The guest's status, but only while nothing is happening to a built instance; else "". */
    static String operatingStatus(String task, String server, String service) {
        return TaskStatus.NONE.name().equals(task) && ServerStatus.ACTIVE.name().equals(server) && service != null
                ? service : "";
    }

    /** Error tasks, including ones a newer taskmanager may add (they all end in _ERROR). */
    static boolean isErrorTask(String task) {
        try {
            return TaskStatus.valueOf(task).isError();
        } catch (IllegalArgumentException e) {
            return task.endsWith("_ERROR") || task.startsWith("BUILDING_ERROR");
        }
    }
}
