package org.redtrove.api.instances;

import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Seals, once at start, the instance passwords an older RedTrove stored in plain text. Rows are
 * locked while they are rewritten, so two api processes starting together seal each row once.
 */
@Component
class LegacyPasswordSealing implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(LegacyPasswordSealing.class);

    private record Legacy(UUID id, String password) {
    }

    private final JdbcClient jdbc;
    private final InstancePasswords passwords;

    LegacyPasswordSealing(JdbcClient jdbc, InstancePasswords passwords) {
        this.jdbc = jdbc;
        this.passwords = passwords;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        List<Legacy> legacy = jdbc.sql("select id, password from instances where password not like 'v1:%' for update")
                .query((rs, n) -> new Legacy(rs.getObject("id", UUID.class), rs.getString("password"))).list();
        for (Legacy row : legacy) {
            jdbc.sql("update instances set password = ? where id = ?")
                    .params(passwords.seal(row.password()), row.id()).update();
        }
        if (!legacy.isEmpty()) {
            log.info("Sealed {} instance passwords stored in plain text by an older version", legacy.size());
        }
    }
}
