package org.redtrove.taskmanager.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.redtrove.taskmanager.topology.Reports.master;
import static org.redtrove.taskmanager.topology.Reports.replica;
import static org.redtrove.taskmanager.topology.Reports.running;
import static org.redtrove.taskmanager.topology.Reports.withState;
import static org.redtrove.taskmanager.topology.Sets.EPOCH;
import static org.redtrove.taskmanager.topology.Sets.M;
import static org.redtrove.taskmanager.topology.Sets.M_ADDRESS;
import static org.redtrove.taskmanager.topology.Sets.R1;
import static org.redtrove.taskmanager.topology.Sets.R2;
import static org.redtrove.taskmanager.topology.Sets.SET;
import static org.redtrove.taskmanager.topology.Sets.current;
import static org.redtrove.taskmanager.topology.Sets.member;
import static org.redtrove.taskmanager.topology.Sets.view;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.redtrove.common.AccessState;
import org.redtrove.common.Fencing;
import org.redtrove.common.InstanceReport;
import org.redtrove.common.Membership;
import org.redtrove.common.RedisState;
import org.redtrove.common.ReplicationInfo;
import org.redtrove.common.Situation;
import org.redtrove.taskmanager.topology.MemberView;
import org.redtrove.taskmanager.topology.Reports;
import org.redtrove.taskmanager.topology.SetView;

/** One test per divergence: what is repaired, and what is only named because repairing it would lose writes. */
class ReconcilerTest {

    static final Fencing FENCED = new Fencing(1, 1, true);

    static MemberView masterMember(InstanceReport report) {
        return member(M, M_ADDRESS, 100, 100, 20, report);
    }

    static MemberView healthyMaster() {
        return masterMember(withFencing(running(M, master(5000), current()), FENCED));
    }

    static MemberView replicaMember(UUID id, InstanceReport report) {
        return member(id, "10.0.0.2:" + (17000 + id.getLeastSignificantBits()), 100, 100, 20, report);
    }

    static MemberView following(UUID id, String master, Membership membership) {
        return replicaMember(id, running(id, replica(master, true, 4990, true, 30), membership));
    }

    static List<Repair> plan(SetView view) {
        return Reconciler.plan(view, 10_000, FENCED, Situation.HEALTHY, true);
    }

    static InstanceReport withFencing(InstanceReport r, Fencing fencing) {
        return new InstanceReport(r.instanceId(), r.port(), r.state(), r.detail(), r.persistent(), r.replication(),
                r.lastAnswered(), r.membership(), r.access(), fencing, r.held());
    }

    static InstanceReport withAccess(InstanceReport r, AccessState access) {
        return new InstanceReport(r.instanceId(), r.port(), r.state(), r.detail(), r.persistent(), r.replication(),
                r.lastAnswered(), r.membership(), access, r.fencing(), r.held());
    }

    @Test
    void aSetAsRecordedNeedsNothing() {
        assertThat(plan(view(healthyMaster(), following(R1, M_ADDRESS, current()),
                following(R2, M_ADDRESS, current())))).isEmpty();
    }

    @Test
    void aReturningOldMasterOfAnOlderEpochIsFencedAsAReplica() {
        MemberView oldMaster = replicaMember(R1, running(R1, master(7000), new Membership(SET, EPOCH - 1)));

        List<Repair> repairs = plan(view(healthyMaster(), oldMaster));

        assertThat(repairs).singleElement().isInstanceOfSatisfying(Repair.MakeReplica.class, r -> {
            assertThat(r.instanceId()).isEqualTo(R1);
            assertThat(r.restartIfUnresponsive()).isTrue();
            assertThat(r.why()).contains("older epoch");
        });
    }

    @Test
    void aReplicaPromotedBehindOurBackThatTookNoWritesFollowsAgain() {
        var promoted = new ReplicationInfo("master", null, 0, false, false, 5000, "new", Reports.HISTORY, 5001, -1, -1,
                false, List.of(), -1);

        List<Repair> repairs = plan(view(healthyMaster(), replicaMember(R1, running(R1, promoted, current()))));

        assertThat(repairs).singleElement().isInstanceOfSatisfying(Repair.MakeReplica.class,
                r -> assertThat(r.why()).contains("took no writes"));
    }

    @Test
    void aReplicaPromotedBehindOurBackThatTookWritesIsNamedNotRepaired() {
        var written = new ReplicationInfo("master", null, 0, false, false, 5600, "new", Reports.HISTORY, 5001, -1, -1,
                false, List.of(), -1);

        List<Repair> repairs = plan(view(healthyMaster(), replicaMember(R1, running(R1, written, current()))));

        assertThat(repairs).singleElement().isInstanceOfSatisfying(Repair.Diverged.class,
                r -> assertThat(r.why()).contains("600 bytes"));
    }

    @Test
    void aReplicaFollowingAnotherMasterIsRepointed() {
        List<Repair> repairs = plan(view(healthyMaster(), following(R1, "10.0.0.9:17009", current())));

        assertThat(repairs).singleElement().isInstanceOf(Repair.MakeReplica.class);
    }

    @Test
    void aRecordedMasterStillFollowingAMemberBecomesMaster() {
        MemberView r1 = following(R1, M_ADDRESS, current());
        MemberView stillReplica = masterMember(running(M, replica(r1.address(), true, 5000, true, 20),
                new Membership(SET, EPOCH - 1)));

        List<Repair> repairs = plan(view(stillReplica, r1));

        assertThat(repairs).anySatisfy(r -> assertThat(r).isInstanceOf(Repair.MakeMaster.class));
    }

    @Test
    void aRecordedMasterFollowingAForeignServerIsNamedNotRepaired() {
        MemberView foreign = masterMember(running(M, replica("192.168.7.7:6379", true, 5000, true, 20), current()));

        List<Repair> repairs = plan(view(foreign, following(R1, M_ADDRESS, current())));

        assertThat(repairs).anySatisfy(r -> assertThat(r).isInstanceOfSatisfying(Repair.Diverged.class,
                d -> assertThat(d.why()).contains("not a member")));
    }

    @Test
    void aMasterWithTheWrongFencingGetsTheRightOne() {
        MemberView unfenced = masterMember(withFencing(running(M, master(5000), current()), Fencing.NONE));

        List<Repair> repairs = plan(view(unfenced, following(R1, M_ADDRESS, current())));

        assertThat(repairs).singleElement().isInstanceOfSatisfying(Repair.ApplyFencing.class,
                f -> assertThat(f.fencing()).isEqualTo(FENCED));
    }

    @Test
    void aHeldMasterNoReplicaCanReplaceIsRestartedInPlace() {
        MemberView held = masterMember(withState(M, RedisState.STOPPED, true, current()));

        List<Repair> repairs = Reconciler.plan(view(held, following(R1, M_ADDRESS, current())), 10_000, FENCED,
                Situation.NO_USABLE_REPLICA, true);

        assertThat(repairs).singleElement().isInstanceOf(Repair.RestartInPlace.class);
    }

    @Test
    void aHeldMasterIsLeftToTheFailoverWhileOneIsPossible() {
        MemberView held = masterMember(withState(M, RedisState.STOPPED, true, current()));

        assertThat(Reconciler.plan(view(held, following(R1, M_ADDRESS, current())), 10_000, FENCED,
                Situation.MASTER_PROCESS_EXITED, true)).isEmpty();
    }

    @Test
    void anOldMasterHeldByItsAgentStartsAgainAsAReplicaOfTheNewOne() {
        // Its host was lost during the eject, which could not fence it; it came back with its
        // redis-server dead, held as the master it was at the older epoch.
        MemberView heldOldMaster = replicaMember(R1, withState(R1, RedisState.STOPPED, true,
                new Membership(SET, EPOCH - 1)));

        List<Repair> repairs = plan(view(healthyMaster(), heldOldMaster));

        assertThat(repairs).singleElement().isInstanceOfSatisfying(Repair.MakeReplica.class, r -> {
            assertThat(r.instanceId()).isEqualTo(R1);
            assertThat(r.restartIfUnresponsive()).isTrue();
            assertThat(r.why()).contains("held");
        });
    }

    @Test
    void membersFromBeforeAclsGetUsersFirstAndTheTenantsRestrictionOnlyOnceAllHaveThem() {
        MemberView legacyMaster = masterMember(withAccess(withFencing(running(M, master(5000), current()), FENCED),
                AccessState.LEGACY));
        MemberView usersReplica = replicaMember(R1, withAccess(running(R1, replica(M_ADDRESS, true, 4990, true, 30),
                current()), AccessState.USERS));

        List<Repair> first = plan(view(legacyMaster, usersReplica));

        assertThat(first).singleElement().isInstanceOfSatisfying(Repair.UpgradeAccess.class, u -> {
            assertThat(u.instanceId()).isEqualTo(M);
            assertThat(u.restrictTenant()).isFalse();
        });

        MemberView usersMaster = masterMember(withAccess(withFencing(running(M, master(5000), current()), FENCED),
                AccessState.USERS));
        List<Repair> second = plan(view(usersMaster, usersReplica));

        assertThat(second).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(Repair.UpgradeAccess.class,
                u -> assertThat(u.restrictTenant()).isTrue()));
    }

    @Test
    void membersThatCannotBeAskedAreLeftToTheFailureAnalysis() {
        MemberView silent = member(R1, "10.0.0.2:17001", 20_000, 20_000, 20_000,
                running(R1, master(7000), new Membership(SET, EPOCH - 1)));

        assertThat(plan(view(healthyMaster(), silent))).isEmpty();
    }

}
