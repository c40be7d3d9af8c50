package org.redtrove.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL of dev mode is no one else's: no password, no connection. */
class EmbeddedDatabaseTest {

    @TempDir
    Path home;

    @Test
    void refusesConnectionsWithoutThePasswordAndKeepsItsFilesPrivate() throws Exception {
        int port;
        String password;
        try (EmbeddedDatabase db = EmbeddedDatabase.start(home, Processes.freePort())) {
            port = db.port();
            password = db.password();

            assertThat(query(db.jdbcUrl(), password)).isEqualTo(1);
            assertThatThrownBy(() -> query(db.jdbcUrl(), null)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
            assertThatThrownBy(() -> query(db.jdbcUrl(), "not-" + password)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");

            assertThat(mode(home.resolve(EmbeddedDatabase.PASSWORD_FILE))).isEqualTo("rw-------");
            assertThat(Files.readString(home.resolve(EmbeddedDatabase.PASSWORD_FILE)).trim()).isEqualTo(password);
            assertThat(mode(home.resolve("postgres-run"))).isEqualTo("rwx------");
            assertThat(mode(home.resolve("postgres"))).isEqualTo("rwx------");
            assertThat(Files.readAllLines(home.resolve("postgres").resolve("pg_hba.conf")))
                    .noneMatch(line -> !line.startsWith("#") && line.contains("trust"));
        }

        // A restart keeps the password, and still asks for it.
        try (EmbeddedDatabase again = EmbeddedDatabase.start(home, port)) {
            assertThat(again.password()).isEqualTo(password);
            assertThat(query(again.jdbcUrl(), password)).isEqualTo(1);
            assertThatThrownBy(() -> query(again.jdbcUrl(), null)).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void aClusterFromBeforePasswordsGetsOneOnItsNextStart() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(home, Processes.freePort())) {
            assertThat(db.password()).isNotBlank();
        }
        // As an older dev mode left it: a cluster without our password file.
        Files.delete(home.resolve(EmbeddedDatabase.PASSWORD_FILE));
        try (EmbeddedDatabase upgraded = EmbeddedDatabase.start(home, Processes.freePort())) {
            assertThat(query(upgraded.jdbcUrl(), upgraded.password())).isEqualTo(1);
            assertThatThrownBy(() -> query(upgraded.jdbcUrl(), null)).isInstanceOf(SQLException.class);
        }
    }

    private static int query(String url, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", EmbeddedDatabase.USER);
        if (password != null) {
            p.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
