package org.redtrove.taskmanager.instances;

import java.nio.file.Path;
import org.redtrove.common.secrets.SecretBox;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Opens the sealed Redis passwords of instances.password with the installation's key
 * (redtrove.secrets.key-file, the same file the api uses): the guests need them in plain text.
 */
@Component
class InstancePasswords {

    private static final String PURPOSE = "instances.password";

    private final SecretBox box;

    InstancePasswords(@Value("${redtrove.secrets.key-file:./secret.key}") Path keyFile) {
        this.box = SecretBox.fromKeyFile(keyFile);
    }

    String open(String stored) {
        return box.open(PURPOSE, stored);
    }
}
