package org.redtrove.api.replications;

import java.nio.file.Path;
import org.redtrove.common.secrets.SecretBox;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The password of a task's external destination, as it is kept in replication_tasks.dst_password:
 * sealed with the installation's key (redtrove.secrets.key-file) like instances.password, under
 * its own purpose so that neither column's value opens as the other. The api only seals: it never
 * shows the password again; the taskmanager opens it to hand it to the agent.
 */
@Component
class ReplicationPasswords {

    static final String PURPOSE = "replication_tasks.dst_password";

    private final SecretBox box;

    ReplicationPasswords(@Value("${redtrove.secrets.key-file:./secret.key}") Path keyFile,
            @Value("${redtrove.secrets.next-key-files:}") String nextKeyFiles,
            @Value("${redtrove.secrets.previous-key-files:}") String previousKeyFiles) {
        this.box = SecretBox.fromKeyFiles(keyFile, nextKeyFiles, previousKeyFiles);
    }

    String seal(String password) {
        return box.seal(PURPOSE, password);
    }
}
