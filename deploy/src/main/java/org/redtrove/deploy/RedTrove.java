package org.redtrove.deploy;

import java.util.Arrays;
import org.redtrove.api.ApiApplication;
import org.redtrove.deploy.dev.DevMain;
import org.redtrove.guestagent.GuestAgentApplication;
import org.redtrove.taskmanager.TaskManagerApplication;

/**
 * The one entry point of the RedTrove jar: {@code dev} runs everything in this JVM; {@code api},
 * {@code taskmanager} and {@code guestagent} run one service each, configured by their
 * properties files, environment variables and {@code --key=value} arguments; {@code balancer} is
 * the TCP balancer deploy/multihost puts in front of two api processes.
 */
public final class RedTrove {

    private static final String USAGE = """
            usage: redtrove dev [--data-dir DIR] [--port PORT] [--identity-port PORT]
                   redtrove api|taskmanager|guestagent [--key=value ...]
                   redtrove balancer --listen HOST:PORT --to HOST:PORT[,HOST:PORT...]
            """;

    private RedTrove() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "dev" -> DevMain.main(rest);
            case "api" -> ApiApplication.builder().run(rest);
            case "taskmanager" -> TaskManagerApplication.builder().run(rest);
            case "guestagent" -> GuestAgentApplication.builder().run(rest);
            case "balancer" -> TcpBalancer.main(rest);
            case "-h", "--help", "help" -> System.out.print(USAGE);
            default -> {
                System.err.print("unknown command: " + args[0] + "\n" + USAGE);
                System.exit(2);
            }
        }
    }
}
