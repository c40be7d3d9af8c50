package org.redtrove.common;

/**
 * The answer to a {@link GuestRequest}.
 *
 * @param error    null on success, else a message fit to show a user
 * @param instance the instance's report after the request, when the guest has one
 * @param offset   PauseWrites: the master's offset once writes stopped; WaitForOffset: the
 *                 replica's offset when the wait ended
 * @param copy     RunCopy: where the copy stands
 */
public record GuestReply(String error, InstanceReport instance, Long offset, CopyProgress copy) {

    public GuestReply(String error, InstanceReport instance, Long offset) {
        this(error, instance, offset, null);
    }

    public static GuestReply ok(InstanceReport instance) {
        return new GuestReply(null, instance, null, null);
    }

    public static GuestReply failed(String error) {
        return new GuestReply(error, null, null, null);
    }

    public static GuestReply copy(CopyProgress copy) {
        return new GuestReply(null, null, null, copy);
    }

    public boolean isOk() {
        return error == null;
    }
}
