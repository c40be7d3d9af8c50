package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.redtrove.common.ReplicationInfo;

/** INFO replication parsing and what the agent remembers beyond it. No Redis needed. */
class ReplicationTrackingTest {

    private static final String REPLICA_LINK_UP = """
            # Replication\r
            role:slave\r
            master_host:10.0.0.5\r
            master_port:17001\r
            master_link_status:up\r
            master_last_io_seconds_ago:3\r
            master_sync_in_progress:0\r
            slave_read_repl_offset:5000\r
            slave_repl_offset:4990\r
            slave_priority:100\r
            master_replid:aaaa\r
            master_replid2:0000000000000000000000000000000000000000\r
            master_repl_offset:4990\r
            second_repl_offset:-1\r
            """;

    private static final String REPLICA_LINK_DOWN = """
            role:slave
            master_host:10.0.0.5
            master_port:17001
            master_link_status:down
            master_last_io_seconds_ago:-1
            master_sync_in_progress:0
            slave_repl_offset:4990
            master_link_down_since_seconds:12
            master_replid:aaaa
            master_repl_offset:4990
            """;

    private final List<String> remembered = new ArrayList<>();

    @Test
    void parsesAMastersReplicaLines() {
        ReplicationInfo info = InfoReplication.parse("""
                role:master
                connected_slaves:2
                slave0:ip=10.0.0.6,port=17002,state=online,offset=812,lag=0
                slave1:ip=10.0.0.7,port=17003,state=wait_bgsave,offset=0,lag=1
                master_replid:bbbb
                master_replid2:aaaa
                master_repl_offset:812
                second_repl_offset:100
                """);
        assertThat(info.isReplica()).isFalse();
        assertThat(info.processedOffset()).isEqualTo(812);
        assertThat(info.replId2()).isEqualTo("aaaa");
        assertThat(info.secondReplOffset()).isEqualTo(100);
        assertThat(info.replicas()).containsExactly(
                new ReplicationInfo.ReplicaLink("10.0.0.6", 17002, "online", 812, 0),
                new ReplicationInfo.ReplicaLink("10.0.0.7", 17003, "wait_bgsave", 0, 1));
    }

    @Test
    void replicaUsesItsProcessedOffset() {
        ReplicationInfo info = InfoReplication.parse(REPLICA_LINK_UP);
        assertThat(info.isReplica()).isTrue();
        assertThat(info.masterHost()).isEqualTo("10.0.0.5");
        assertThat(info.masterPort()).isEqualTo(17001);
        assertThat(info.masterLinkUp()).isTrue();
        assertThat(info.processedOffset()).isEqualTo(4990);
        assertThat(info.masterLastIoSecondsAgo()).isEqualTo(3);
    }

    @Test
    void timeSinceMasterIoStaysMeaningfulAfterTheLinkDrops() {
        ReplicationTracking tracking = new ReplicationTracking("10.0.0.5:17001", false, remembered::add);
        long t0 = 1_000_000;

        ReplicationInfo up = tracking.observe(InfoReplication.parse(REPLICA_LINK_UP), 0, t0);
        ReplicationInfo down = tracking.observe(InfoReplication.parse(REPLICA_LINK_DOWN), 0, t0 + 10_000);

        assertThat(up.millisSinceMasterIo()).isEqualTo(3000);
        assertThat(down.masterLastIoSecondsAgo()).isEqualTo(-1);
        assertThat(down.millisSinceMasterIo()).isEqualTo(13_000);
        assertThat(down.syncCompleted()).isTrue(); // the sync happened; a dropped link does not undo it
        assertThat(remembered).containsExactly("10.0.0.5:17001");
    }

    @Test
    void reattachingForgetsTheOldSyncAndIgnoresReadingsFromBeforeIt() {
        ReplicationTracking tracking = new ReplicationTracking("10.0.0.5:17001", true, remembered::add);
        long before = tracking.generation();

        tracking.reset("10.0.0.9:17009");
        ReplicationInfo stale = tracking.observe(InfoReplication.parse(REPLICA_LINK_UP), before, 5000);
        ReplicationInfo oldMaster = tracking.observe(InfoReplication.parse(REPLICA_LINK_UP),
                tracking.generation(), 5000);

        assertThat(stale.syncCompleted()).isFalse();
        assertThat(oldMaster.syncCompleted()).as("still linked to the previous master").isFalse();
        assertThat(oldMaster.millisSinceMasterIo()).isEqualTo(-1);
        assertThat(remembered).containsExactly((String) null);
    }

    @Test
    void syncInProgressIsNotCompleted() {
        ReplicationTracking tracking = new ReplicationTracking("10.0.0.5:17001", false, remembered::add);
        String syncing = REPLICA_LINK_UP.replace("master_sync_in_progress:0", "master_sync_in_progress:1")
                .replace("master_link_status:up", "master_link_status:down");
        assertThat(tracking.observe(InfoReplication.parse(syncing), 0, 0).syncCompleted()).isFalse();
        assertThat(remembered).isEmpty();
    }

    @Test
    void aFullSyncSaysHowMuchHasArrivedAndTheTrackedInfoKeepsIt() {
        ReplicationTracking tracking = new ReplicationTracking("10.0.0.5:17001", false, remembered::add);
        // as Redis 7 reports a diskless transfer: the total is not known beforehand
        String syncing = REPLICA_LINK_UP.replace("master_sync_in_progress:0", """
                master_sync_in_progress:1\r
                master_sync_total_bytes:-1\r
                master_sync_read_bytes:7340032\r
                master_sync_left_bytes:-7340033\r
                master_sync_perc:-0.00\r
                master_sync_last_io_seconds_ago:0""").replace("master_link_status:up", "master_link_status:down");
        ReplicationInfo info = tracking.observe(InfoReplication.parse(syncing), 0, 0);
        assertThat(info.transfer()).isEqualTo(new ReplicationInfo.SyncTransfer(7_340_032, -1));
        assertThat(InfoReplication.parse(REPLICA_LINK_UP).transfer()).as("no sync, no transfer").isNull();
    }

    @Test
    void replicationFileRoundTripsAndQuotesThePassword() {
        ReplicationSettings settings = new ReplicationSettings(new ReplicationSettings.Source(false, 2, 1, 3),
                new ReplicationSettings.Upstream("10.0.0.5", 17001, "redtrove-replica", "p \"w\\d"));
        String text = settings.render();
        assertThat(text).contains("replicaof 10.0.0.5 17001").contains("masterauth \"p \\\"w\\\\d\"")
                .contains("masteruser redtrove-replica").contains("min-replicas-to-write 1")
                .contains("min-replicas-max-lag 3");
        assertThat(ReplicationSettings.parse(text)).isEqualTo(settings);
        assertThat(settings.toString()).doesNotContain("p \"w");
        assertThat(settings.upstream().toString()).doesNotContain("p \"w");
    }

    @Test
    void replicationFileOfAnOlderAgentReadsAsTheDefaultUserWithoutFencing() {
        ReplicationSettings old = ReplicationSettings.parse("""
                # source
                repl-diskless-sync yes
                repl-diskless-sync-delay 0
                # replica
                replicaof 10.0.0.5 17001
                masterauth "tenant pw"
                replica-read-only yes
                """);

        assertThat(old.upstream()).isEqualTo(new ReplicationSettings.Upstream("10.0.0.5", 17001, null, "tenant pw"));
        assertThat(old.source()).isEqualTo(new ReplicationSettings.Source(true, 0, 0, 10));
    }
}
