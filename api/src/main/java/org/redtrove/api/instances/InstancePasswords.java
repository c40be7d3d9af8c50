package org.redtrove.api.instances;

import java.nio.file.Path;
import org.redtrove.common.secrets.SecretBox;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Redis password of a set, as it is kept in instances.password: sealed with the installation's
 * key (redtrove.secrets.key-file), never in plain text. The owner still reads it through the API.
 */
@Component
public class InstancePasswords {

    static final String PURPOSE = "instances.password";

    private final SecretBox box;

    InstancePasswords(@Value("${redtrove.secrets.key-file:./secret.key}") Path keyFile,
            @Value("${redtrove.secrets.next-key-files:}") String nextKeyFiles,
            @Value("${redtrove.secrets.previous-key-files:}") String previousKeyFiles) {
        this.box = SecretBox.fromKeyFiles(keyFile, nextKeyFiles, previousKeyFiles);
    }

    String seal(String password) {
        return box.seal(PURPOSE, password);
    }

    public String open(String stored) {
        return box.open(PURPOSE, stored);
    }
}
