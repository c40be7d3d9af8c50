package org.redtrove.api.instances;

import java.nio.file.Path;
import java.util.List;
import org.redtrove.common.secrets.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Seals again, once at start, every stored secret not sealed under the installation's current key:
 * instance passwords an older RedTrove stored in plain text, and, during a rotation of the key,
 * what the previous key (now in redtrove.secrets.previous-key-files) sealed: instance passwords,
 * replication users' passwords and replication tasks' target passwords. Rows are locked while they
 * are rewritten, so two api processes starting together seal each row once.
 */
@Component
class SecretResealing implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SecretResealing.class);

    /** A sealed column: its table, key and column, and the purpose its values are sealed for. */
    private record Column(String table, String column, String purpose) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("instances", "password", InstancePasswords.PURPOSE),
            new Column("replica_sets", "replication_password", "replica_sets.replication_password"),
            new Column("replication_tasks", "dst_password", "replication_tasks.dst_password"));

    private record Stored(Object id, String value) {
    }

    private final JdbcClient jdbc;
    private final SecretBox box;

    SecretResealing(JdbcClient jdbc, @Value("${redtrove.secrets.key-file:./secret.key}") Path keyFile,
                    @Value("${redtrove.secrets.next-key-files:}") String nextKeyFiles,
            @Value("${redtrove.secrets.previous-key-files:}") String previousKeyFiles) {
        this.jdbc = jdbc;
        this.box = SecretBox.fromKeyFiles(keyFile, nextKeyFiles, previousKeyFiles);
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        for (Column c : COLUMNS) {
            // Read without locks (an api starting beside 500 instances' heartbeats), then each row
            // to change locked and looked at again.
            List<Object> stale = jdbc.sql("select id, " + c.column() + " as value from " + c.table()
                            + " where " + c.column() + " is not null")
                    .query((rs, n) -> new Stored(rs.getObject("id"), rs.getString("value"))).list()
                    .stream().filter(s -> box.needsResealing(c.purpose(), s.value())).map(Stored::id).toList();
            for (Object id : stale) {
                String value = jdbc.sql("select " + c.column() + " from " + c.table() + " where id = ? for update")
                        .param(id).query(String.class).optional().orElse(null);
                if (box.needsResealing(c.purpose(), value)) {
                    jdbc.sql("update " + c.table() + " set " + c.column() + " = ? where id = ?")
                            .params(box.seal(c.purpose(), box.open(c.purpose(), value)), id).update();
                }
            }
            if (!stale.isEmpty()) {
                log.info("Sealed {} values of {}.{} again under the current key (plain text from an older "
                        + "version, or sealed under a previous key)", stale.size(), c.table(), c.column());
            }
        }
    }
}
