package org.redtrove.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code redtrove replication ...}: the project's replication tasks, as reduct-cli's {@code replica} verbs. */
@Command(name = "replication", mixinStandardHelpOptions = true,
        description = "Continuous, filtered replication tasks from an instance to another instance or any Redis.",
        subcommands = {ReplicationCommand.Create.class, ReplicationCommand.ListTasks.class,
                ReplicationCommand.Show.class, ReplicationCommand.Update.class, ReplicationCommand.Pause.class,
                ReplicationCommand.Resume.class, ReplicationCommand.Delete.class})
final class ReplicationCommand implements Runnable {

    @ParentCommand
    Redtrove root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** An instance id as its name, when the project has it. */
    static String named(Map<String, String> names, JsonNode id) {
        String text = Out.text(id);
        return names.getOrDefault(text, text);
    }

    static String path(String name) {
        return "/replications/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The settings options create and update share; on update, only those given change. */
    static final class Settings {
        @Option(names = "--source", paramLabel = "INSTANCE", description = "the instance read (id or name)")
        String source;
        @Option(names = "--target", paramLabel = "INSTANCE", description = "an instance of the project to write to")
        String target;
        @Option(names = "--target-url", paramLabel = "URL",
                description = "a Redis outside RedTrove: redis://host:port[/db] or rediss://...")
        String targetUrl;
        @Option(names = "--target-password", paramLabel = "PASSWORD", description = "the password of --target-url")
        String targetPassword;
        @Option(names = "--entries", arity = "1..*", paramLabel = "PATTERN", description = "key glob patterns (all keys if none)")
        List<String> entries;
        @Option(names = "--include", arity = "1..*", paramLabel = "LABEL=VALUE",
                description = "only records carrying every one of these labels")
        List<String> include;
        @Option(names = "--exclude", arity = "1..*", paramLabel = "LABEL=VALUE",
                description = "no record carrying any of these labels")
        List<String> exclude;
        @Option(names = "--each-n", paramLabel = "N", description = "every N-th record of each key")
        Integer eachN;
        @Option(names = "--each-s", paramLabel = "SECONDS", description = "a record of each key every S seconds at most")
        Double eachS;
        @Option(names = "--mode", paramLabel = "MODE", description = "enabled (default), paused or disabled")
        String mode;

        /** The API's settings object: {@code base} (the stored settings, for update) changed by what was given. */
        ObjectNode body(JsonNode base) {
            ObjectNode body = base == null ? Api.JSON.createObjectNode() : (ObjectNode) base.deepCopy();
            if (source != null) {
                body.put("src_instance", source);
            }
            if (target != null) {
                body.put("dst_instance", target);
                body.remove("dst_host");
                body.remove("dst_password");
            }
            if (targetUrl != null) {
                body.put("dst_host", targetUrl);
                body.remove("dst_instance");
                if (targetPassword == null) {
                    body.remove("dst_password");
                }
            }
            if (targetPassword != null) {
                body.put("dst_password", targetPassword);
            }
            if (entries != null) {
                var array = body.putArray("entries");
                entries.forEach(array::add);
            }
            if (include != null) {
                body.set("include", Api.JSON.valueToTree(Labels.parse(include, "--include")));
            }
            if (exclude != null) {
                body.set("exclude", Api.JSON.valueToTree(Labels.parse(exclude, "--exclude")));
            }
            if (eachN != null) {
                body.put("each_n", eachN);
            }
            if (eachS != null) {
                body.put("each_s", eachS);
            }
            if (mode != null) {
                body.put("mode", mode);
            }
            body.properties().removeIf(e -> e.getValue().isNull());
            return body;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a replication task.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        ReplicationCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "the task's name (A-Z a-z 0-9 _ . -)")
        String name;
        @CommandLine.Mixin
        Settings settings;

        @Override
        public Integer call() {
            if (settings.source == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--source=INSTANCE'");
            }
            if ((settings.target == null) == (settings.targetUrl == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Give one of --target INSTANCE or --target-url URL");
            }
            Out out = parent.root.out(spec.commandLine());
            JsonNode task = parent.root.api().post(path(name), settings.body(null));
            if (out.json()) {
                out.json(task);
            } else {
                out.line("Replication '" + name + "' created: " + Out.text(task.path("info").path("mode")));
            }
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the replication tasks.")
    static final class ListTasks implements Callable<Integer> {
        @ParentCommand
        ReplicationCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--full", description = "with each task's records of the last hour, source and target")
        boolean full;

        @Override
        public Integer call() {
            Api api = parent.root.api();
            Out out = parent.root.out(spec.commandLine());
            JsonNode list = api.get("/replications").path("replications");
            List<JsonNode> shown = new ArrayList<>();
            list.forEach(shown::add);
            Map<String, String> names = full && !out.json() ? Instances.names(api) : Map.of();
            if (full) {
                List<JsonNode> detailed = new ArrayList<>();
                for (JsonNode item : shown) {
                    detailed.add(api.get(path(item.path("name").asString())));
                }
                shown = detailed;
            }
            if (out.json()) {
                out.json(Api.JSON.valueToTree(Map.of("replications", shown)));
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode t : shown) {
                JsonNode info = full ? t.path("info") : t;
                List<String> row = new ArrayList<>(List.of(Out.text(info.path("name")), Out.text(info.path("mode")),
                        info.path("is_active").asBoolean() ? "yes" : "no",
                        Out.text(info.path("pending_records")),
                        info.path("is_provisioned").asBoolean() ? "yes" : "no"));
                if (full) {
                    JsonNode hourly = t.path("diagnostics").path("hourly");
                    JsonNode s = t.path("settings");
                    row.add(Out.text(hourly.path("ok")));
                    row.add(Out.text(hourly.path("errored")));
                    row.add(named(names, s.path("src_instance")));
                    row.add(s.hasNonNull("dst_instance") ? named(names, s.path("dst_instance"))
                            : Out.text(s.path("dst_host")));
                }
                rows.add(row);
            }
            List<String> headers = new ArrayList<>(List.of("name", "mode", "active", "pending", "provisioned"));
            if (full) {
                headers.addAll(List.of("ok (1h)", "errored (1h)", "source", "target"));
            }
            out.table(headers, rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a task's settings, its state and the errors of the last hour.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ReplicationCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Out out = parent.root.out(spec.commandLine());
            Api api = parent.root.api();
            JsonNode task = api.get(path(name));
            if (out.json()) {
                out.json(task);
                return 0;
            }
            Map<String, String> names = Instances.names(api);
            JsonNode info = task.path("info");
            JsonNode s = task.path("settings");
            JsonNode hourly = task.path("diagnostics").path("hourly");
            List<List<String>> pairs = new ArrayList<>();
            pairs.add(List.of("name", Out.text(info.path("name"))));
            pairs.add(List.of("mode", Out.text(info.path("mode"))));
            pairs.add(List.of("active", info.path("is_active").asBoolean() ? "yes" : "no"));
            pairs.add(List.of("provisioned", info.path("is_provisioned").asBoolean() ? "yes" : "no"));
            pairs.add(List.of("pending records", Out.text(info.path("pending_records"))));
            pairs.add(List.of("source", named(names, s.path("src_instance"))));
            pairs.add(List.of("target", s.hasNonNull("dst_instance") ? named(names, s.path("dst_instance"))
                    : Out.text(s.path("dst_host")) + (s.hasNonNull("dst_password") ? " (password set)" : "")));
            pairs.add(List.of("entries", s.path("entries").isEmpty() ? "(all keys)" : join(s.path("entries"))));
            pairs.add(List.of("include", labels(s.path("include"))));
            pairs.add(List.of("exclude", labels(s.path("exclude"))));
            pairs.add(List.of("each n", Out.text(s.path("each_n"))));
            pairs.add(List.of("each s", Out.text(s.path("each_s"))));
            pairs.add(List.of("ok (last hour)", Out.text(hourly.path("ok"))));
            pairs.add(List.of("errored (last hour)", Out.text(hourly.path("errored"))));
            out.fields(pairs);
            JsonNode errors = hourly.path("errors");
            if (errors.isObject() && !errors.isEmpty()) {
                out.line("");
                List<List<String>> rows = new ArrayList<>();
                for (var e : errors.properties()) {
                    rows.add(List.of(e.getKey(), Out.text(e.getValue().path("count")),
                            Out.text(e.getValue().path("last_message"))));
                }
                out.table(List.of("error", "count", "last message"), rows);
            }
            return 0;
        }

        private static String join(JsonNode array) {
            List<String> items = new ArrayList<>();
            array.forEach(n -> items.add(n.asString()));
            return String.join(" ", items);
        }

        private static String labels(JsonNode object) {
            List<String> items = new ArrayList<>();
            object.properties().forEach(e -> items.add(e.getKey() + "=" + e.getValue().asString()));
            return String.join(" ", items);
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change a task's settings: those given replace the stored ones, the rest stay.")
    static final class Update implements Callable<Integer> {
        @ParentCommand
        ReplicationCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;
        @CommandLine.Mixin
        Settings settings;

        @Override
        public Integer call() {
            Api api = parent.root.api();
            Out out = parent.root.out(spec.commandLine());
            JsonNode current = api.get(path(name)).path("settings");
            JsonNode task = api.put(path(name), settings.body(current));
            if (out.json()) {
                out.json(task);
            } else {
                out.line("Replication '" + name + "' updated");
            }
            return 0;
        }
    }

    /** pause and resume: the mode only. */
    abstract static class ModeChange implements Callable<Integer> {
        @ParentCommand
        ReplicationCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;

        abstract String mode();

        @Override
        public Integer call() {
            Out out = parent.root.out(spec.commandLine());
            JsonNode task = parent.root.api().patch(path(name) + "/mode", Map.of("mode", mode()));
            if (out.json()) {
                out.json(task);
            } else {
                out.line("Replication '" + name + "' is " + Out.text(task.path("info").path("mode")));
            }
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a task: it stops writing and keeps what it reads in its log.")
    static final class Pause extends ModeChange {
        @Override
        String mode() {
            return "paused";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused or disabled task.")
    static final class Resume extends ModeChange {
        @Override
        String mode() {
            return "enabled";
        }
    }

    @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
            description = "Delete a task and its log. Asks for the name to be typed unless --yes.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        ReplicationCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = {"-y", "--yes"}, description = "do not ask")
        boolean yes;

        @Override
        public Integer call() {
            Out out = parent.root.out(spec.commandLine());
            Api api = parent.root.api();
            api.get(path(name)); // an unknown name is said before anything is asked
            if (!yes) {
                var w = spec.commandLine().getOut();
                w.print("Type the name of the replication to delete it (" + name + "): ");
                w.flush();
                String typed = parent.root.readLine();
                if (typed == null || !typed.trim().equals(name)) {
                    throw new ClientError("Not deleted: the name typed was not '" + name + "' (or give --yes)");
                }
            }
            api.delete(path(name));
            if (out.json()) {
                out.json(Api.JSON.valueToTree(Map.of("deleted", name)));
            } else {
                out.line("Replication '" + name + "' deleted");
            }
            return 0;
        }
    }
}
