package org.redtrove.api.sentinel;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keeps {@link SentinelTopology} current: one thread LISTENs to the database's notifications of
 * replica_sets (a trigger sends one for every change, in the committing transaction) and reads the
 * notified set again at once, so a change of master reaches subscribers within milliseconds of the
 * taskmanager's commit; it reads everything again every refresh interval, and after a lost
 * connection, so nothing missed meanwhile stays missed. It also registers this endpoint for
 * SENTINEL SENTINELS and reads the other live ones.
 */
final class SentinelFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SentinelFeed.class);
    static final String CHANNEL = "redtrove_replica_sets";
    private static final long REGISTER_EVERY_MILLIS = 5_000;

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final SentinelTopology topology;
    private final SentinelProperties properties;
    private final String runId;
    private final java.util.function.Supplier<SentinelViews.Peer> self;
    private final AtomicReference<List<SentinelViews.Peer>> peers = new AtomicReference<>(List.of());
    private volatile boolean running;
    private Thread thread;

    SentinelFeed(DataSource dataSource, JdbcClient jdbc, SentinelTopology topology, SentinelProperties properties,
                 String runId, java.util.function.Supplier<SentinelViews.Peer> self) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.topology = topology;
        this.properties = properties;
        this.runId = runId;
        this.self = self;
    }

    /** The other endpoints that registered in the last 15 s. */
    List<SentinelViews.Peer> peers() {
        return peers.get();
    }

    @Override
    public void start() {
        running = true;
        topology.refreshAll(); // before the port opens: the first client already gets answers
        thread = new Thread(this::run, "sentinel-feed");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        try {
            jdbc.sql("delete from sentinel_endpoints where id = ?").param(runId).update();
        } catch (RuntimeException e) {
            log.debug("Could not unregister the Sentinel endpoint: {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the server (and stops after it), so the server never answers from nothing. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 10;
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("listen " + CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                topology.refreshAll(); // whatever changed while not listening
                backoff = 100;
                listen(pg);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Sentinel endpoint: lost the database's notifications ({}); reading again in {} ms",
                        e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private void listen(PGConnection pg) throws SQLException {
        long refreshEvery = properties.refreshInterval().toMillis();
        long nextRefresh = System.currentTimeMillis() + refreshEvery;
        long nextRegister = 0;
        while (running) {
            long now = System.currentTimeMillis();
            if (now >= nextRegister) {
                // the server opens its port after this feed started: register once it has one
                nextRegister = now + (register() ? REGISTER_EVERY_MILLIS : 100);
            }
            PGNotification[] notifications = pg.getNotifications((int) Math.max(1, Math.min(nextRefresh - now, 500)));
            if (notifications != null) {
                for (PGNotification n : notifications) {
                    topology.refresh(UUID.fromString(n.getParameter()));
                }
            }
            if (System.currentTimeMillis() >= nextRefresh) {
                topology.refreshAll();
                nextRefresh = System.currentTimeMillis() + refreshEvery;
            }
        }
    }

    private boolean register() {
        SentinelViews.Peer me = self.get();
        if (me.port() <= 0) {
            return false;
        }
        jdbc.sql("""
                insert into sentinel_endpoints (id, host, port, seen_at) values (?, ?, ?, clock_timestamp())
                on conflict (id) do update set host = excluded.host, port = excluded.port, seen_at = excluded.seen_at""")
                .params(runId, me.host(), me.port()).update();
        peers.set(jdbc.sql("""
                        select id, host, port,
                               (extract(epoch from clock_timestamp() - seen_at) * 1000)::bigint as age
                          from sentinel_endpoints
                         where id <> ? and seen_at > clock_timestamp() - interval '15 seconds' order by id""")
                .param(runId)
                .query((rs, n) -> new SentinelViews.Peer(rs.getString("id"), rs.getString("host"), rs.getInt("port"),
                        rs.getLong("age")))
                .list());
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
