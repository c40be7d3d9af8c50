package org.redtrove.common;

import java.util.UUID;

/**
 * Which replica set an instance belongs to, at which configuration epoch (DESIGN.md decision 12).
 * Every role change a guest is asked to make carries one; the guest keeps the last one it applied
 * and refuses an older epoch of the same set, so a late or repeated command from an earlier
 * topology can never undo a newer one. An instance moved to another set (a detach) takes that
 * set's membership whatever its epoch.
 */
public record Membership(UUID setId, long epoch) {

    /** True when a command carrying {@code this} may be applied over {@code applied}. */
    public boolean supersedes(Membership applied) {
        return applied == null || !applied.setId().equals(setId) || epoch >= applied.epoch();
    }
}
