package org.redtrove.deploy.dev;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.redtrove.embedded.Processes;

/**
 * {@code redtrove dev}: starts the whole stack, prints where it is ready, and stops all of it on
 * SIGTERM or Ctrl-C. Uses the running PostgreSQL and RabbitMQ when REDTROVE_DB_URL and
 * REDTROVE_AMQP_URL are set.
 */
public final class DevMain {

    private static final String USAGE = """
            Usage: redtrove dev [--data-dir DIR] [--port PORT] [--identity-port PORT] [--sentinel-port PORT]
                                [--exit-when-ready]

            Runs all of RedTrove on this machine: the api (Trove API, identity, web console, Sentinel
            endpoint), the taskmanager and a guest agent, with an embedded PostgreSQL and AMQP broker
            (or the running ones named by REDTROVE_DB_URL and REDTROVE_AMQP_URL). Ctrl-C or SIGTERM
            stops everything it started, the Redis instances included.

              --data-dir DIR          state: database, instances, admin-password, metrics-token, openrc (default .redtrove)
              --port PORT             the Trove API and the console (default 8779; 0: a free port)
              --identity-port PORT    the identity service (default 5000, or a free port if taken; 0: free)
              --sentinel-port PORT    the Sentinel-compatible endpoint (default 26379 if free, else a free port)
              --exit-when-ready       stop again as soon as it is ready (the launcher's class-data training run)
              --help                  this text
            """;

    private DevMain() {
    }

    public static void main(String[] args) throws Exception {
        long mainNanos = System.nanoTime();
        boolean exitWhenReady = false;
        Path dataDir = Path.of(".redtrove");
        int port = 8779;
        int identityPort = DevOptions.IDENTITY_PORT_5000_OR_FREE;
        int sentinelPort = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                case "--port" -> port = parsePort(value(args, ++i, "--port"), "--port", 0);
                case "--identity-port" -> identityPort = parsePort(value(args, ++i, "--identity-port"),
                        "--identity-port", 0);
                case "--sentinel-port" -> sentinelPort = parsePort(value(args, ++i, "--sentinel-port"),
                        "--sentinel-port", 0);
                case "--exit-when-ready" -> exitWhenReady = true;
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> fail("unknown option " + args[i] + " (see --help)");
            }
        }
        DevOptions options = DevOptions.defaults(dataDir)
                .withApiPort(port)
                .withIdentityPort(identityPort)
                // Sentinel's own port when nothing listens there, as the identity service takes 5000
                .withProperties("redtrove.sentinel.port=" + (sentinelPort >= 0 ? sentinelPort
                        : Processes.portFree(26379) ? 26379 : 0))
                .withExternal(blankToNull(System.getenv("REDTROVE_DB_URL")), blankToNull(System.getenv("REDTROVE_AMQP_URL")));
        long began = System.nanoTime();
        DevStack stack;
        try {
            stack = DevStack.start(options);
        } catch (Exception e) {
            System.err.println("RedTrove could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                System.out.println("RedTrove is stopping...");
                stack.close();
                System.out.println("RedTrove stopped.");
            }
            stopped.countDown();
        };
        // Our own handlers for Ctrl-C and SIGTERM, so everything stops in order: the services
        // first, then the broker and the database. Shutdown hooks alone would race with the ones
        // the embedded broker registers for itself.
        for (String signal : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                stop.run();
                System.exit(0);
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "redtrove-shutdown")); // any other exit
        System.out.printf("RedTrove is ready at %s, identity at %s (started in %.1f s). Data: %s%n", stack.apiUrl(),
                stack.identityUrl(), (System.nanoTime() - began) / 1e9, stack.dataDir());
        System.out.printf("Start-up: JVM before main %.1f s, %s%n", StartupPhases.jvmSecondsBeforeMain(mainNanos),
                stack.startupPhases());
        if (exitWhenReady) {
            stop.run();
            System.exit(0);
        }
        System.out.printf("Web console at %s/console/ (log in as %s, project %s; password in %s)%n", stack.apiUrl(),
                DevStack.ADMIN_USER, DevStack.ADMIN_PROJECT, stack.dataDir().resolve("admin-password"));
        System.out.printf("Sentinel-compatible endpoint at %s:%d (master name: the replica set's name; AUTH with"
                + " its password)%n", stack.sentinelHost(), stack.sentinelPort());
        System.out.printf("Metrics (Authorization: Bearer <%s>): api %s, taskmanager %s, guest agent %s%n",
                stack.dataDir().resolve("metrics-token"), stack.apiMetricsUrl(), stack.taskmanagerMetricsUrl(),
                stack.guestMetricsUrl());
        System.out.printf("Use the clients with:  source %s%n", stack.dataDir().resolve("openrc"));
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            fail(option + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String text, String option, int lowest) {
        try {
            int port = Integer.parseInt(text);
            if (port >= lowest && port < 65536) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail(option + " must be a number from " + lowest + " to 65535" + (lowest == 0 ? " (0: a free port)" : ""));
        return 0;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void fail(String message) {
        System.err.println("redtrove dev: " + message);
        System.exit(2);
    }
}
