package org.redtrove.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.redtrove.common.secrets.SecretBox;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationRunner;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sealing key rotated (deploy/runbooks/restore-and-secrets.md): an api whose key is the new
 * one and whose previous key is the old one reads what the old key sealed, and seals it again
 * under the new key when it starts, in every sealed column.
 */
class KeyRotationApiTest extends ApiTestSupport {

    /** The key before the rotation; the installation's KEY_FILE is the new one. */
    static final Path OLD_KEY = oldKey();

    private static Path oldKey() {
        try {
            Path key = Files.createTempDirectory("redtrove-old-key").resolve("old.key");
            SecretBox.fromKeyFile(key);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void previousKey(DynamicPropertyRegistry registry) {
        registry.add("redtrove.secrets.previous-key-files", OLD_KEY::toString);
    }

    @Autowired
    ApplicationRunner[] runners;

    @Test
    void whatTheOldKeySealedIsReadAndSealedAgainUnderTheNewKey() throws Exception {
        String alice = alice();
        Response created = post("/v1.0/" + alphaProject + "/instances", alice,
                "{\"instance\":{\"name\":\"rotated\",\"flavorRef\":1}}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(200);
        String id = created.json().get("instance").get("id").asString();
        activate(id);
        SecretBox old = SecretBox.fromKeyFile(OLD_KEY);
        SecretBox current = SecretBox.fromKeyFile(KEY_FILE);
        // As a process still on the old key left it: the password, and its set's replication password.
        jdbc.sql("update instances set password = ? where id = cast(? as uuid)")
                .params(old.seal("instances.password", "sealed-by-the-old-key"), id).update();
        jdbc.sql("update replica_sets set replication_password = ? where id = (select replica_set_id from instances"
                        + " where id = cast(? as uuid))")
                .params(old.seal("replica_sets.replication_password", "repl-by-old"), id).update();

        Response password = get("/v1.0/" + alphaProject + "/instances/" + id + "/password", alice);
        assertThat(password.status()).as(password.raw().body()).isEqualTo(200);
        assertThat(password.json().get("password").asString()).isEqualTo("sealed-by-the-old-key");

        for (ApplicationRunner runner : runners) {
            runner.run(null); // as at the next start
        }
        String stored = (String) instanceRow(id).get("password");
        assertThat(current.open("instances.password", stored)).isEqualTo("sealed-by-the-old-key");
        String replication = jdbc.sql("select replication_password from replica_sets where id = (select replica_set_id"
                + " from instances where id = cast(? as uuid))").param(id).query(String.class).single();
        assertThat(current.open("replica_sets.replication_password", replication)).isEqualTo("repl-by-old");
        assertThat(get("/v1.0/" + alphaProject + "/instances/" + id + "/password", alice).json().get("password")
                .asString()).isEqualTo("sealed-by-the-old-key");
    }
}
