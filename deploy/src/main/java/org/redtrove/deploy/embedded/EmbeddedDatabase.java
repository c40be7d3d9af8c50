package org.redtrove.deploy.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.redtrove.deploy.dev.Processes;

/**
 * PostgreSQL 17 from the zonky binaries, with its data kept in the dev-mode data dir so state
 * survives restarts. As root, zonky runs initdb and postgres in a user namespace.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "redtrove";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir, int port) throws Exception {
        Files.createDirectories(dataDir.getParent());
        stopLeftover(dataDir);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toFile())
                .setCleanDataDirectory(false)
                .setPort(port)
                .setRegisterShutdownHook(false) // the dev stack stops it, after the services
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", dataDir.getParent().toString())
                .start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("create database " + DATABASE);
                }
            }
        }
        return new EmbeddedDatabase(postgres);
    }

    /** A postgres left running by a dev mode that was killed with SIGKILL still holds the data dir. */
    private static void stopLeftover(Path dataDir) throws IOException, InterruptedException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        if (!first.matches("\\d+")) {
            return;
        }
        long pid = Long.parseLong(first);
        if (Processes.isRunning(pid, "postgres")) {
            Processes.stop(pid, java.time.Duration.ofSeconds(15));
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?user=postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
