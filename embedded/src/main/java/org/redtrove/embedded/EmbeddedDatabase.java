package org.redtrove.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PostgreSQL 17 from the zonky binaries, kept under one private home directory so its state
 * survives restarts: {@code <home>/postgres} (the cluster), {@code <home>/postgres-run} (its Unix
 * socket) and {@code <home>/db-password}.
 *
 * <p>Nothing on this machine but the owner of {@code home} may use it: zonky's initdb trusts every
 * local connection, so before the server first starts the superuser gets a generated password
 * (set in single-user mode, so no connection is ever accepted without it), and pg_hba.conf then
 * asks every connection, socket or TCP, for that password. The socket lives in a directory only
 * its owner can enter.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "redtrove";
    public static final String USER = "postgres";
    static final String PASSWORD_FILE = "db-password";

    private static final String HBA = """
            # Written by RedTrove at every start: every connection needs the password in db-password.
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final String password;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String password) {
        this.postgres = postgres;
        this.password = password;
    }

    /** Starts (creating on first use) the database kept under {@code home}, listening on 127.0.0.1. */
    public static EmbeddedDatabase start(Path home, int port) throws Exception {
        Path pgData = home.resolve("postgres");
        Path socketDir = home.resolve("postgres-run");
        PrivateFiles.createDirectory(home);
        PrivateFiles.restrictDirectory(socketDir);
        stopLeftover(pgData);
        Path passwordFile = home.resolve(PASSWORD_FILE);
        boolean newPassword = !Files.exists(passwordFile);
        String password = newPassword ? PrivateFiles.newSecret() : Files.readString(passwordFile).trim();
        if (newPassword) {
            PrivateFiles.write(passwordFile, password + "\n");
        }
        // A cluster zonky is about to create trusts everyone until it has the password.
        boolean setPassword = newPassword || !Files.exists(pgData.resolve("postgresql.conf"));
        Path binaries = binariesHome();
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData.toFile())
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaries.toFile())
                .setPort(port)
                .setRegisterShutdownHook(false) // whoever started it stops it, after the services
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", socketDir.toString())
                .setServerConfig("unix_socket_permissions", "0700")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setConnectConfig("password", password)
                // Runs after initdb and before the server starts: the only moment nobody can connect.
                .setDataDirectoryCustomizer(dir -> secure(dir.toPath(), binaries, password, setPassword))
                .start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, password);
        database.createDatabase(DATABASE);
        return database;
    }

    /** Creates a database unless it exists (tests use one per test class). */
    public void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
                if (!rs.next()) {
                    s.execute("create database " + name);
                }
            }
        }
    }

    public void dropDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
        }
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    public int port() {
        return postgres.getPort();
    }

    /** The JDBC URL of {@link #DATABASE}; user {@link #USER}, with {@link #password()}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /**
     * pg_hba.conf asks for the password; on the first start with a new password, it is set first,
     * in single-user mode, which accepts no connection at all.
     */
    private static void secure(Path pgData, Path binaries, String password, boolean setPassword) {
        try {
            if (setPassword) {
                setSuperuserPassword(pgData, binaries, password);
            }
            Files.writeString(pgData.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not secure the embedded PostgreSQL in " + pgData, e);
        }
    }

    private static void setSuperuserPassword(Path pgData, Path binaries, String password) throws IOException {
        Path postgresBinary = serverBinary(binaries);
        List<String> command = new ArrayList<>();
        // As zonky itself does: PostgreSQL refuses to run as root, but runs in a user namespace.
        if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            command.addAll(List.of("/usr/bin/unshare", "-U"));
        }
        command.addAll(List.of(postgresBinary.toString(), "--single", "-D", pgData.toString(),
                "-c", "listen_addresses=", "-c", "log_statement=none", "postgres"));
        Path log = pgData.resolve("redtrove-single-user.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        // The password goes through stdin, never the command line.
        process.getOutputStream().write(("ALTER USER " + USER + " WITH PASSWORD '" + password.replace("'", "''")
                + "';\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("setting the database password failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting the database password", e);
        }
        Files.deleteIfExists(log);
    }

    /** Where zonky unpacks its binaries (its own default, named so that we can find them). */
    private static Path binariesHome() {
        return Path.of(System.getProperty("ot.epg.working-dir",
                new File(System.getProperty("java.io.tmpdir"), "embedded-pg").getPath()));
    }

    /** zonky has unpacked the binaries into PG-<digest> before it calls the customizer. */
    private static Path serverBinary(Path binaries) throws IOException {
        try (Stream<Path> dirs = Files.list(binaries)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("PG-"))
                    .map(d -> d.resolve("bin").resolve("postgres"))
                    .filter(Files::isExecutable)
                    .max(Comparator.comparingLong(EmbeddedDatabase::modified))
                    .orElseThrow(() -> new IOException("no PostgreSQL binaries under " + binaries));
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** A postgres left running by a process that was killed with SIGKILL still holds the data dir. */
    private static void stopLeftover(Path pgData) throws IOException, InterruptedException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        if (!first.matches("\\d+")) {
            return;
        }
        long pid = Long.parseLong(first);
        if (Processes.isRunning(pid, "postgres")) {
            Processes.stop(pid, Duration.ofSeconds(15));
        }
    }
}
