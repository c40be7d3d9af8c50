package org.redtrove.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code redtrove} command: replication tasks, a set's replication, and manual copies, against
 * RedTrove's API, logged in as {@code openstack} is (an openrc's OS_* variables).
 */
@Command(name = "redtrove", mixinStandardHelpOptions = true, version = "redtrove 0.1.0",
        description = "RedTrove's own client: replication tasks, a replica set's replication, copies of data and,"
                + " for admins, the guest hosts.%n"
                + "Logs in as openstack does: source an openrc (OS_AUTH_URL, OS_USERNAME, ...) or give --os-* options.",
        subcommands = {ReplicationCommand.class, ReplicasCommand.class, CpCommand.class, CopyCommand.class,
                HostCommand.class, CommandLine.HelpCommand.class},
        footer = "%nExit status: 0 when the command did what it says, 1 when the server or a Redis refused, 2 for a"
                + " usage error.")
public final class Redtrove implements Runnable {

    @Option(names = {"-f", "--format"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table (default) or json, for scripts")
    Out.Format format = Out.Format.table;

    @Mixin
    Login login;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Map<String, String> env = System.getenv();
    private BufferedReader in;
    private boolean terminal;

    public static void main(String[] args) {
        boolean terminal = System.console() != null && System.getenv("NO_COLOR") == null
                && !"dumb".equals(System.getenv("TERM"));
        System.exit(run(args, System.getenv(), System.in, System.out, System.err, terminal));
    }

    /** Runs one command line; answers its exit status. Tests call this with their own streams. */
    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err,
                          boolean terminal) {
        Redtrove root = new Redtrove();
        root.env = env;
        root.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        root.terminal = terminal;
        CommandLine cli = new CommandLine(root);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            String message = e instanceof ClientError ? e.getMessage()
                    : e.getMessage() != null ? e.getMessage() : e.toString();
            line.getErr().println("Error: " + message);
            line.getErr().flush();
            if (!(e instanceof ClientError) && env.get("REDTROVE_DEBUG") != null) {
                e.printStackTrace(line.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Api api() {
        return login.open(env);
    }

    Out out(CommandLine line) {
        return new Out(line.getOut(), format, terminal);
    }

    Map<String, String> env() {
        return env;
    }

    /** A line typed by the user, null at the end of input. */
    String readLine() {
        try {
            return in.readLine();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    boolean terminal() {
        return terminal;
    }
}
