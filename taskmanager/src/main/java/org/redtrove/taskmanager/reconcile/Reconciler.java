package org.redtrove.taskmanager.reconcile;

import java.util.ArrayList;
import java.util.List;
import org.redtrove.common.AccessState;
import org.redtrove.common.Fencing;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.Situation;
import org.redtrove.taskmanager.topology.MemberView;
import org.redtrove.taskmanager.topology.SetView;

/**
 * Compares a set's recorded topology with what its members' Redis really are, and plans the
 * repairs that lose nothing (DESIGN.md decision 12), in one place and without side effects. The
 * record is always the truth to restore: jobs commit it before they touch a guest, so a member
 * that disagrees either has not applied a committed change yet, or was changed behind our back.
 *
 * <ul>
 * <li>A member that applied an older membership than the set's (a returning old master, a job
 * stopped after its commit, a detach not yet applied) is brought to the record: this is fencing.
 * An old master its agent holds (its redis-server died while it was master) starts again as a
 * replica.</li>
 * <li>A replica made a master behind our back is made a replica again only if it took no writes
 * of its own since (its offset did not pass the history it inherited); otherwise repairing it
 * would throw those writes away, and it is reported DIVERGED instead.</li>
 * <li>A replica following another master is re-pointed: a read-only replica holds nothing of its
 * own. A recorded master that is a replica of a member is promoted back.</li>
 * <li>The master gets the fencing its healthy replicas call for; a master its guest holds after
 * an exit is restarted in place when no failover can take it over.</li>
 * <li>Members from before ACLs are moved to them: users everywhere first, the tenant's restriction
 * only once every member has the replication user (a replica still authenticating as the tenant
 * would lose its link).</li>
 * </ul>
 * Members that cannot be asked (no fresh report, Redis not answering) are left for the failure
 * analysis.
 */
public final class Reconciler {

    private Reconciler() {
    }

    /**
     * @param desiredFencing what the master should apply (SetFencing)
     * @param situation      the set's failure analysis now
     * @param automatic      whether automatic failover is on
     */
    public static List<Repair> plan(SetView view, long freshMillis, Fencing desiredFencing, Situation situation,
                                    boolean automatic) {
        List<Repair> repairs = new ArrayList<>();
        Membership recorded = view.set().membership();
        MemberView master = view.master();
        if (master == null) {
            return repairs;
        }
        if (master.hasReport() && master.report().held() && (situation == Situation.NO_USABLE_REPLICA
                || view.replicas().isEmpty() || !automatic)) {
            repairs.add(new Repair.RestartInPlace(master.instanceId(), "its redis-server exited and no replica"
                    + " can take over: restart it where it is"));
        }
        for (MemberView member : view.replicas()) {
            // An old master whose redis-server died while it was cut off, held by its agent: the
            // eject's own fence could not reach it, and nothing else starts it again.
            if (member.freshWithin(freshMillis) && member.report().held()) {
                repairs.add(new Repair.MakeReplica(member.instanceId(), true, "held since its redis-server exited"
                        + " as a master of epoch " + epochOf(member.report().membership()) + ", while the set is at"
                        + " epoch " + recorded.epoch() + ": it starts again as a replica of the current master"));
            }
        }
        for (MemberView member : view.members()) {
            if (!member.freshWithin(freshMillis) || !member.running() || member.replication() == null
                    || member.report().access() == AccessState.LEGACY) {
                // A member from before ACLs gets its users first: the role commands use them.
                continue;
            }
            boolean isMaster = member == master;
            Repair repair = isMaster ? masterRepair(member, view, recorded, desiredFencing)
                    : replicaRepair(member, master, recorded);
            if (repair != null) {
                repairs.add(repair);
            }
        }
        repairs.addAll(accessRepairs(view, freshMillis));
        return repairs;
    }

    private static Repair masterRepair(MemberView member, SetView view, Membership recorded, Fencing desired) {
        ReplicationInfo info = member.replication();
        InstanceReport report = member.report();
        if (info.isReplica()) {
            String upstream = info.masterHost() + ":" + info.masterPort();
            boolean followsMember = view.replicas().stream().anyMatch(r -> upstream.equals(r.address()));
            if (followsMember || isOlder(report.membership(), recorded)) {
                return new Repair.MakeMaster(member.instanceId(), "the set records it as master (epoch "
                        + recorded.epoch() + "), but it replicates from " + upstream);
            }
            return new Repair.Diverged(member.instanceId(), "the set records it as master, but it replicates from "
                    + upstream + ", which is not a member of its set: its data may be another's");
        }
        if (isOlder(report.membership(), recorded)) {
            return new Repair.MakeMaster(member.instanceId(), "it has not applied epoch " + recorded.epoch() + " yet");
        }
        if (!desired.equals(report.fencing())) {
            return new Repair.ApplyFencing(member.instanceId(), desired, "its fencing is " + report.fencing()
                    + ", its replicas call for " + desired);
        }
        return null;
    }

    private static Repair replicaRepair(MemberView member, MemberView master, Membership recorded) {
        ReplicationInfo info = member.replication();
        InstanceReport report = member.report();
        boolean olderMembership = isOlder(report.membership(), recorded);
        if (!info.isReplica()) {
            if (olderMembership) {
                return new Repair.MakeReplica(member.instanceId(), true, "a master of an older epoch ("
                        + epochOf(report.membership()) + ") while the set is at epoch " + recorded.epoch()
                        + ": fenced, it follows the current master");
            }
            if (!info.wroteSincePromotion()) {
                return new Repair.MakeReplica(member.instanceId(), false, "made a master behind our back;"
                        + " it took no writes since, so it follows its master again");
            }
            return new Repair.Diverged(member.instanceId(), "made a master behind our back, and it took "
                    + (info.processedOffset() - info.secondReplOffset() + 1) + " bytes of writes of its own since;"
                    + " not repaired, as that would lose them: detach or delete it");
        }
        String upstream = info.masterHost() + ":" + info.masterPort();
        if (master.address() != null && !master.address().equals(upstream)) {
            return new Repair.MakeReplica(member.instanceId(), false, "follows " + upstream
                    + " instead of its master " + master.address());
        }
        if (olderMembership) {
            return new Repair.MakeReplica(member.instanceId(), false, "has not applied epoch " + recorded.epoch()
                    + " yet");
        }
        return null;
    }

    private static List<Repair> accessRepairs(SetView view, long freshMillis) {
        List<Repair> repairs = new ArrayList<>();
        List<MemberView> members = view.members();
        boolean everyoneHasUsers = members.stream().allMatch(m -> m.hasReport() && m.report().access() != null
                && m.report().access() != AccessState.LEGACY);
        for (MemberView m : members) {
            if (!m.freshWithin(freshMillis) || !m.running() || m.report().access() == null) {
                continue;
            }
            if (m.report().access() == AccessState.LEGACY) {
                repairs.add(new Repair.UpgradeAccess(m.instanceId(), false, "created before ACLs: gets its own"
                        + " agent and replication users"));
            } else if (m.report().access() == AccessState.USERS && everyoneHasUsers) {
                repairs.add(new Repair.UpgradeAccess(m.instanceId(), true, "every member has the replication user:"
                        + " the tenant loses the commands that change roles, persistence, limits and users"));
            }
        }
        return repairs;
    }

    /** The member applied a membership the record has moved past (another set, or an older epoch of this one). */
    static boolean isOlder(Membership applied, Membership recorded) {
        return applied == null || !applied.setId().equals(recorded.setId()) || applied.epoch() < recorded.epoch();
    }

    private static String epochOf(Membership m) {
        return m == null ? "unknown" : Long.toString(m.epoch());
    }
}
