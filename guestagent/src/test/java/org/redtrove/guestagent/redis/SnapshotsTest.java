package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.connect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.RedisState;
import org.redtrove.common.backups.BackupFile;
import org.redtrove.common.backups.BackupStore;
import org.redtrove.guestagent.backups.Snapshots;
import redis.clients.jedis.Jedis;

/**
 * Backups on one host with real redis-servers: a snapshot reaches the store whole, a new instance
 * seeded from it starts with its data and keeps it across a restart, and a damaged or missing
 * backup is refused before any instance exists.
 */
class SnapshotsTest {

    @TempDir
    Path dataDir;
    @TempDir
    Path storeDir;
    private RedisHostFixture fixture;
    private RedisHost agent;
    private Snapshots snapshots;

    @BeforeEach
    void start() {
        fixture = new RedisHostFixture(dataDir);
        agent = fixture.startAgent(true);
        snapshots = new Snapshots(agent, BackupStore.inDirectory(storeDir), java.time.Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aSnapshotRestoresIntoANewInstanceThatKeepsItAcrossARestart() throws Exception {
        UUID source = UUID.randomUUID();
        int port = fixture.prepareRunning(agent, source).port();
        try (Jedis tenant = connect(port, PASSWORD)) {
            for (int i = 0; i < 1000; i++) {
                tenant.set("k" + i, "v" + i);
            }
            tenant.hset("h", "f", "1");
        }
        BackupFile file = snapshots.backup(source, "b1.rdb");
        assertThat(file.sizeBytes()).isEqualTo(Files.size(storeDir.resolve("b1.rdb")));
        assertThat(file.sha256()).hasSize(64);
        // a second backup of the same key is a newer snapshot
        try (Jedis tenant = connect(port, PASSWORD)) {
            tenant.set("later", "yes");
        }
        BackupFile newer = snapshots.backup(source, "b2.rdb");
        assertThat(newer.sha256()).isNotEqualTo(file.sha256());

        UUID restored = UUID.randomUUID();
        agent.prepare(fixture.prepareRequest(restored), snapshots.seed(file));
        RedisHostFixture.await(RedisHostFixture.STARTUP, "restored runs",
                () -> agent.describe(restored).state() == RedisState.RUNNING);
        int restoredPort = agent.describe(restored).port();
        try (Jedis tenant = connect(restoredPort, PASSWORD)) {
            assertThat(tenant.dbSize()).isEqualTo(1001);
            assertThat(tenant.get("k999")).isEqualTo("v999");
            assertThat(tenant.hget("h", "f")).isEqualTo("1");
            assertThat(tenant.exists("later")).isFalse();
            tenant.set("own", "write");
        }
        agent.restart(new org.redtrove.common.GuestRequest.Restart(restored));
        try (Jedis tenant = connect(restoredPort, PASSWORD)) {
            assertThat(tenant.dbSize()).isEqualTo(1002);
            assertThat(tenant.get("own")).isEqualTo("write");
        }
        assertNoStagingLeft();
    }

    @Test
    void aDamagedOrMissingBackupIsRefusedAndLeavesNoInstance() throws Exception {
        UUID source = UUID.randomUUID();
        int port = fixture.prepareRunning(agent, source).port();
        try (Jedis tenant = connect(port, PASSWORD)) {
            tenant.set("k", "v");
        }
        BackupFile file = snapshots.backup(source, "b.rdb");
        byte[] bytes = Files.readAllBytes(storeDir.resolve("b.rdb"));
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(storeDir.resolve("b.rdb"), bytes);

        UUID restored = UUID.randomUUID();
        assertThatThrownBy(() -> agent.prepare(fixture.prepareRequest(restored), snapshots.seed(file)))
                .isInstanceOf(GuestOperationException.class).hasMessageContaining("is damaged");
        assertThat(fixture.instanceDir(restored)).doesNotExist();
        assertThatThrownBy(() -> agent.describe(restored)).isInstanceOf(GuestOperationException.class);

        BackupFile gone = new BackupFile("gone.rdb", 10, "00".repeat(32));
        assertThatThrownBy(() -> agent.prepare(fixture.prepareRequest(restored), snapshots.seed(gone)))
                .isInstanceOf(GuestOperationException.class).hasMessageContaining("not in the backup store");
        assertNoStagingLeft();
        // what an agent stopped during a copy leaves is removed when the next one starts
        Files.writeString(dataDir.resolve("instances").resolve(".scratch-backup-left.rdb"), "x");
        Files.createDirectory(dataDir.resolve("instances").resolve(".restore-" + UUID.randomUUID()));
        agent.close();
        agent = fixture.startAgent(true);
        assertNoStagingLeft();
        // the same id prepares fine afterwards, empty
        agent.prepare(fixture.prepareRequest(restored));
        RedisHostFixture.await(RedisHostFixture.STARTUP, "prepared", () -> agent.describe(restored).state()
                == RedisState.RUNNING);
    }

    private void assertNoStagingLeft() throws Exception {
        try (Stream<Path> list = Files.list(dataDir.resolve("instances"))) {
            assertThat(list.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(".restore-") || n.startsWith(".scratch-"));
        }
    }
}
