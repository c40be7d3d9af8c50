package org.redtrove.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;

/**
 * An AMQP 0-9-1 broker inside this JVM (Apache Qpid Broker-J, in-memory), on 127.0.0.1 with one
 * user and a password of the caller's: guest requests carry Redis passwords, so no other local
 * user may read the queues. Messages do not survive a restart; nothing is lost by that, because
 * jobs live in PostgreSQL and the taskmanager re-publishes unfinished ones (JobRecovery).
 *
 * <p>It can listen on another address instead, so that guest agents on other hosts reach it: the
 * hosts of {@code deploy/netns-hosts}, network namespaces that reach this one over a bridge.
 */
public final class EmbeddedBroker implements AutoCloseable {

    public static final String USER = "redtrove";
    public static final String LOOPBACK = "127.0.0.1";

    private final SystemLauncher launcher;
    private final Path workDir;
    private final String address;
    private final int port;
    private final String password;

    private EmbeddedBroker(SystemLauncher launcher, Path workDir, String address, int port, String password) {
        this.launcher = launcher;
        this.workDir = workDir;
        this.address = address;
        this.port = port;
        this.password = password;
    }

    /** On 127.0.0.1: reachable from this machine only. */
    public static EmbeddedBroker start(Path workDir, int port, String password) throws Exception {
        return start(workDir, LOOPBACK, port, password);
    }

    /**
     * @param bindAddress the one address to listen on (a local IPv4 address, such as a bridge's):
     *                    never every address, so that the broker is not on a public network by
     *                    accident
     */
    public static EmbeddedBroker start(Path workDir, String bindAddress, int port, String password)
            throws Exception {
        PrivateFiles.restrictDirectory(workDir);
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
                "qpid.amqp_bind", bindAddress,
                "qpid.user", USER,
                "qpid.password", password,
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
        if (failure.get() != null) {
            throw new IOException("The embedded AMQP broker did not start: " + failure.get().getMessage(),
                    failure.get());
        }
        return new EmbeddedBroker(launcher, workDir, bindAddress, port, password);
    }

    public int port() {
        return port;
    }

    public String address() {
        return address;
    }

    /** The broker's URL with its credentials, for Spring's spring.rabbitmq.addresses. */
    public String url() {
        return url(address, port, password);
    }

    /** The URL a broker started with these settings will have, known before it starts. */
    public static String url(String address, int port, String password) {
        return "amqp://" + USER + ":" + password + "@" + address + ":" + port;
    }

    /**
     * A broker like this one, after {@link #close}: same address, port and password, and empty,
     * as a restarted in-memory broker is. The chaos run's broker outage ends with it.
     */
    public EmbeddedBroker startAgain() throws Exception {
        return start(workDir, address, port, password);
    }

    @Override
    public void close() {
        launcher.shutdown();
    }
}
