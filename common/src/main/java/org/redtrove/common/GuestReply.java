package org.redtrove.common;

import org.redtrove.common.backups.BackupFile;

/**
 * The answer to a {@link GuestRequest}.
 *
 * @param error    null on success, else a message fit to show a user
 * @param instance the instance's report after the request, when the guest has one
 * @param offset   PauseWrites: the master's offset once writes stopped; WaitForOffset: the
 *                 replica's offset when the wait ended
 * @param copy     RunCopy: where the copy stands
 * @param backup   Backup: the snapshot as the store holds it
 */
public record GuestReply(String error, InstanceReport instance, Long offset, CopyProgress copy, BackupFile backup) {

    public GuestReply(String error, InstanceReport instance, Long offset) {
        this(error, instance, offset, null, null);
    }

    public static GuestReply ok(InstanceReport instance) {
        return new GuestReply(null, instance, null, null, null);
    }

    public static GuestReply failed(String error) {
        return new GuestReply(error, null, null, null, null);
    }

    public static GuestReply copy(CopyProgress copy) {
        return new GuestReply(null, null, null, copy, null);
    }

    public static GuestReply backup(InstanceReport instance, BackupFile backup) {
        return new GuestReply(null, instance, null, null, backup);
    }

    public boolean isOk() {
        return error == null;
    }
}
