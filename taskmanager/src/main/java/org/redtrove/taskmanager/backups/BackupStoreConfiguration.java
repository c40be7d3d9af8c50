package org.redtrove.taskmanager.backups;

import java.nio.file.Path;
import org.redtrove.common.backups.BackupStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The backup store the taskmanager deletes from: the same {@code redtrove.backups.dir} the guest
 * agents write to.
 */
@Configuration(proxyBeanMethods = false)
class BackupStoreConfiguration {

    @Bean
    BackupStore backupStore(@Value("${redtrove.backups.dir:./backups}") Path dir) {
        return BackupStore.inDirectory(dir);
    }
}
