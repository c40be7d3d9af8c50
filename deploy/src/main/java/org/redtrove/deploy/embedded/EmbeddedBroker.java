package org.redtrove.deploy.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;

/**
 * An AMQP 0-9-1 broker inside this JVM (Apache Qpid Broker-J, in-memory). Messages do not survive
 * a restart; nothing is lost by that, because jobs live in PostgreSQL and the taskmanager
 * re-publishes unfinished ones (JobRecovery).
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final SystemLauncher launcher;
    private final int port;

    private EmbeddedBroker(SystemLauncher launcher, int port) {
        this.launcher = launcher;
        this.port = port;
    }

    public static EmbeddedBroker start(Path workDir, int port) throws Exception {
        Files.createDirectories(workDir);
        ClassLoader loader = EmbeddedBroker.class.getClassLoader();
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory");
        // Real URLs, not Qpid's "classpath:" scheme, which cannot be loaded from a Boot fat jar.
        attributes.put("initialConfigurationLocation", loader.getResource("qpid-config.json").toExternalForm());
        attributes.put("initialSystemPropertiesLocation",
                loader.getResource("qpid-system.properties").toExternalForm());
        attributes.put("startupLoggedToSystemOut", false);
        attributes.put("context", Map.of(
                "qpid.amqp_port", String.valueOf(port),
                "qpid.work_dir", workDir.toString(),
                "qpid.home_dir", workDir.toString()));
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        // startup() logs and swallows some failures; the listener is how we learn of them.
        SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
            @Override
            public void errorOnStartup(RuntimeException e) {
                failure.set(e);
            }
        });
        launcher.startup(attributes);
        EmbeddedBroker broker = new EmbeddedBroker(launcher, port);
        if (failure.get() != null) {
            throw new IOException("The embedded AMQP broker did not start: " + failure.get().getMessage(),
                    failure.get());
        }
        return broker;
    }

    public String url() {
        return "amqp://guest:guest@127.0.0.1:" + port;
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
