package org.redtrove.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One embedded PostgreSQL per test JVM, on a free port, started on first use and stopped when the
 * JVM exits. Each test class takes a fresh database in it, so classes never see each other's rows.
 */
public final class SharedTestDatabase {

    private static EmbeddedDatabase instance;
    private static Path home;

    private SharedTestDatabase() {
    }

    public static synchronized EmbeddedDatabase get() {
        if (instance == null) {
            try {
                home = Files.createTempDirectory("redtrove-test-pg");
                instance = EmbeddedDatabase.start(home, Processes.freePort());
            } catch (Exception e) {
                throw new IllegalStateException("could not start the embedded PostgreSQL for tests", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(SharedTestDatabase::stop, "test-postgres-stop"));
        }
        return instance;
    }

    /** A new, empty database; answers its name. */
    public static String newDatabase(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            get().createDatabase(name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return name;
    }

    public static void dropDatabase(String name) {
        try {
            get().dropDatabase(name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop database " + name, e);
        }
    }

    /**
     * Stops the shared PostgreSQL, waits {@code down}, and starts it again on the same port and
     * data, as a database server restart looks to its clients: every connection breaks, and new
     * ones succeed once it is back; {@code whileDown} runs as soon as it is down. For the chaos run; a test class that uses it has the server
     * to itself.
     */
    public static synchronized void restart(java.time.Duration down, Runnable whileDown) throws Exception {
        EmbeddedDatabase running = get();
        int port = running.port();
        running.close();
        whileDown.run();
        Thread.sleep(down.toMillis());
        instance = EmbeddedDatabase.start(home, port);
    }

    private static synchronized void stop() {
        try {
            instance.close();
            try (Stream<Path> walk = Files.walk(home)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException e) {
            System.err.println("could not stop the test PostgreSQL: " + e.getMessage());
        }
    }
}
