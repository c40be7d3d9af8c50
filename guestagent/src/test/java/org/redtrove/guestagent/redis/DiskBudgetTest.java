package org.redtrove.guestagent.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.redtrove.guestagent.redis.RedisHostFixture.PASSWORD;
import static org.redtrove.guestagent.redis.RedisHostFixture.connect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.common.GuestRequest;
import org.redtrove.common.InstanceReport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * An instance's volume, held by its guest on a real redis-server: writes that grow the AOF past
 * the volume are refused to the tenant (reads and the agent go on), a restarted Redis refuses them
 * again, and a larger volume, or files shrunk back under 90 %, gives them back.
 */
class DiskBudgetTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;
    private RedisHostFixture fixture;
    private RedisHost agent;
    private UUID id;
    private int port;

    @BeforeEach
    void prepare() {
        fixture = new RedisHostFixture(dataDir);
        agent = fixture.startAgent(true);
        id = UUID.randomUUID();
        port = fixture.prepareRunning(agent, id).port();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** Writes 4 KB values until the tenant is refused; answers how many went in. */
    private int writeUntilRefused() {
        String value = "x".repeat(4096);
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Jedis tenant = connect(port, PASSWORD)) {
            for (int i = 0; System.nanoTime() < deadline; i++) {
                try {
                    tenant.set("k" + i, value);
                } catch (JedisDataException e) {
                    assertThat(e.getMessage()).startsWith("NOPERM");
                    return i;
                }
                if (i % 50 == 0) {
                    sleep(50); // a supervision tick (200 ms here) checks the files
                }
            }
        }
        throw new AssertionError("the tenant's writes were never refused: " + agent.describe(id).disk());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean tenantMayWrite() {
        try (Jedis tenant = connect(port, PASSWORD)) {
            tenant.set("probe", "1");
            return true;
        } catch (JedisDataException e) {
            return false;
        }
    }

    @Test
    void writesPastTheVolumeAreRefusedUntilItGrowsOrTheFilesShrink() {
        long base = new InstanceDirectory(fixture.instanceDir(id)).dataBytes();
        long budget = base + 256 * 1024;
        agent.limitDisk(new GuestRequest.LimitDisk(id, budget));
        InstanceReport.Disk empty = agent.describe(id).disk();
        assertThat(empty.budgetBytes()).isEqualTo(budget);
        assertThat(empty.usedBytes()).isBetween(base, base + 1024); // instance.json now names the volume
        assertThat(empty.writesRefused()).isFalse();

        int written = writeUntilRefused();
        assertThat(written).isGreaterThan(256 / 4 - 10);
        InstanceReport.Disk disk = agent.describe(id).disk();
        assertThat(disk.writesRefused()).isTrue();
        assertThat(disk.usedBytes()).isGreaterThan(budget);
        try (Jedis tenant = connect(port, PASSWORD)) {
            assertThat(tenant.get("k0")).hasSize(4096);
            assertThat(tenant.dbSize()).isEqualTo(written);
        }

        // a restarted Redis has the tenant's rights from redis.conf: refused again at the next check
        agent.restart(new GuestRequest.Restart(id));
        RedisHostFixture.await(WAIT, "refused after a restart", () -> !tenantMayWrite());

        // a larger volume gives them back at once
        agent.limitDisk(new GuestRequest.LimitDisk(id, disk.usedBytes() * 4));
        assertThat(tenantMayWrite()).isTrue();
        assertThat(agent.describe(id).disk().writesRefused()).isFalse();

        // back to the small volume: refused; files shrunk under 90 % of it: allowed again
        agent.limitDisk(new GuestRequest.LimitDisk(id, budget));
        assertThat(tenantMayWrite()).isFalse();
        try (Jedis asAgent = fixture.connectAsAgent(id, port)) {
            asAgent.flushAll();
            asAgent.bgrewriteaof();
        }
        RedisHostFixture.await(WAIT, "writes allowed once the AOF is rewritten small", this::tenantMayWrite);
        // the tenant's restrictions came back with the writes: still no CONFIG
        try (Jedis tenant = connect(port, PASSWORD)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> tenant.configGet("dir")))
                    .hasMessageStartingWith("NOPERM");
        }
    }
}
