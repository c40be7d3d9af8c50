package org.redtrove.common;

/**
 * How far an instance's Redis ACLs are set up (DESIGN.md decision 13). The tenant logs in as
 * Redis's default user with the set's password; the guest agent and the replicas use users of
 * their own whose passwords the tenant never sees.
 */
public enum AccessState {
    /** Created before ACLs: the default user may do everything, and replicas authenticate as it. */
    LEGACY,
    /** The agent and replication users exist and replicas use theirs; the tenant is not restricted yet. */
    USERS,
    /** The default user has every data command and none that change roles, persistence, limits or users. */
    RESTRICTED
}
