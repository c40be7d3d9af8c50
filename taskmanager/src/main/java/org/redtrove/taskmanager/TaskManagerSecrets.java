package org.redtrove.taskmanager;

import java.nio.file.Path;
import org.redtrove.common.secrets.SecretBox;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The installation's sealing key (redtrove.secrets.key-file, the same file the api uses): the
 * taskmanager opens the sealed Redis passwords for the guests, and seals the replication
 * passwords it generates for replica sets.
 */
@Configuration(proxyBeanMethods = false)
public class TaskManagerSecrets {

    /** What instances.password holds: the set's tenant password. */
    public static final String INSTANCE_PASSWORD = "instances.password";
    /** What replica_sets.replication_password holds: the replication user's password. */
    public static final String REPLICATION_PASSWORD = "replica_sets.replication_password";

    @Bean
    SecretBox secretBox(@Value("${redtrove.secrets.key-file:./secret.key}") Path keyFile,
            @Value("${redtrove.secrets.next-key-files:}") String nextKeyFiles,
            @Value("${redtrove.secrets.previous-key-files:}") String previousKeyFiles) {
        return SecretBox.fromKeyFiles(keyFile, nextKeyFiles, previousKeyFiles);
    }
}
