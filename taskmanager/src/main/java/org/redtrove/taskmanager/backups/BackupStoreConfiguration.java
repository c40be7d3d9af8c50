package org.redtrove.taskmanager.backups;

import org.redtrove.common.backups.BackupStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The backup store the taskmanager deletes from: the same {@code redtrove.backups.*} the guest
 * agents write to.
 */
@Configuration(proxyBeanMethods = false)
class BackupStoreConfiguration {

    @Bean
    BackupStore backupStore(Environment environment) {
        return BackupStore.configured(environment::getProperty);
    }
}
