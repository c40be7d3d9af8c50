package org.redtrove.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code redtrove replicas INSTANCE}: the native replication of the instance's set, member by member. */
@Command(name = "replicas", mixinStandardHelpOptions = true,
        description = "Show each member of an instance's replica set: role, health, link, how far behind in bytes"
                + " and seconds, the syncs it served and its last error.")
final class ReplicasCommand implements Callable<Integer> {

    @ParentCommand
    Redtrove root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "INSTANCE", description = "an instance of the set (id or name)")
    String instance;
    @Option(names = {"-w", "--watch"}, description = "show it again every --interval seconds, until interrupted")
    boolean watch;
    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "seconds between two views with --watch (default ${DEFAULT-VALUE})")
    double interval;
    @Option(names = "--times", paramLabel = "N", hidden = true, description = "with --watch: stop after N views")
    Integer times;

    @Override
    public Integer call() throws InterruptedException {
        Api api = root.api();
        Out out = root.out(spec.commandLine());
        JsonNode detail = Instances.find(api, instance);
        String set = detail.path("replica_set").path("name").asString(null);
        if (set == null) {
            throw new ClientError("Instance '" + instance + "' belongs to no replica set yet");
        }
        String path = "/replica-sets/" + URLEncoder.encode(set, StandardCharsets.UTF_8) + "/replication";
        for (int n = 1; ; n++) {
            JsonNode replication = api.get(path).path("replication");
            if (watch && out.terminal() && !out.json()) {
                out.writer().print("\u001b[H\u001b[2J"); // the view in place of the last one
            } else if (n > 1) {
                out.line("");
            }
            show(out, replication);
            if (!watch || (times != null && n >= times)) {
                return 0;
            }
            Thread.sleep(Math.max(100, Math.round(interval * 1000)));
        }
    }

    private static void show(Out out, JsonNode replication) {
        if (out.json()) {
            out.json(replication);
            return;
        }
        out.line("Replica set " + Out.text(replication.path("name")) + ", epoch " + Out.text(replication.path("epoch")));
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode m : replication.path("members")) {
            JsonNode syncs = m.path("syncs_served");
            rows.add(List.of(Out.text(m.path("name")), Out.text(m.path("role")), Out.text(m.path("health")),
                    link(m), Out.text(m.path("bytes_behind")),
                    Out.text(m.path("last_io_seconds_ago")),
                    syncs.isObject() ? syncs.path("full").asLong() + "/" + syncs.path("partial_ok").asLong() + "/"
                            + syncs.path("partial_err").asLong() : "",
                    Out.text(m.path("last_error"))));
        }
        out.table(List.of("name", "role", "health", "link", "bytes behind", "seconds behind",
                "syncs full/partial/err", "last error"), rows);
    }

    /** The link, and during a full sync what has arrived of the master's data. */
    private static String link(JsonNode m) {
        if (!m.path("sync_in_progress").asBoolean(false)) {
            return Out.text(m.path("link"));
        }
        if (!m.has("sync_received_bytes")) {
            return "full sync";
        }
        String received = mb(m.path("sync_received_bytes").asLong());
        JsonNode total = m.path("sync_total_bytes");
        return "full sync: " + received + (total.isNumber() ? " of " + mb(total.asLong()) : "") + " received";
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }
}
