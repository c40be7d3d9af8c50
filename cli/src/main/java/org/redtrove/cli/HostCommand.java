package org.redtrove.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code redtrove host list|show|drain|resume}: the guest hosts, for an admin (the api's mgmt/hosts). */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = "The guest hosts (admins only): list them, show one with its instances, drain one, resume one.",
        subcommands = {HostCommand.ListHosts.class, HostCommand.Show.class, HostCommand.Drain.class,
                HostCommand.Resume.class})
final class HostCommand implements Runnable {

    @ParentCommand
    Redtrove root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static String path(String host) {
        return "/mgmt/hosts/" + URLEncoder.encode(host, StandardCharsets.UTF_8);
    }

    private static void showHost(Out out, JsonNode h) {
        out.line("Host " + Out.text(h.path("name")) + " (" + Out.text(h.path("id")) + ") at "
                + Out.text(h.path("address")) + ", Redis " + Out.text(h.path("redis_version")));
        out.line("  last heartbeat " + Out.text(h.path("heartbeat_age_seconds")) + " s ago; "
                + (h.path("draining").asBoolean() ? "draining since " + Out.text(h.path("draining_since"))
                : "takes new instances"));
        out.line("  " + h.path("masters").asInt() + " masters, " + h.path("replicas").asInt() + " replicas, "
                + h.path("standalone").asInt() + " without replicas");
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
            description = "Every host: its heartbeat, whether it is draining, and what runs on it.")
    static final class ListHosts implements Callable<Integer> {
        @ParentCommand
        HostCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Out out = parent.root.out(spec.commandLine());
            JsonNode hosts = parent.root.api().get("/mgmt/hosts");
            if (out.json()) {
                out.json(hosts);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode h : hosts.path("hosts")) {
                rows.add(List.of(Out.text(h.path("name")), Out.text(h.path("id")), Out.text(h.path("address")),
                        Out.text(h.path("heartbeat_age_seconds")), h.path("draining").asBoolean() ? "draining" : "",
                        Out.text(h.path("masters")), Out.text(h.path("replicas")), Out.text(h.path("standalone"))));
            }
            out.table(List.of("name", "id", "address", "heartbeat age s", "draining", "masters", "replicas",
                    "standalone"), rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One host and each instance on it.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        HostCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "HOST", description = "the host's id or name")
        String host;

        @Override
        public Integer call() {
            Out out = parent.root.out(spec.commandLine());
            JsonNode h = parent.root.api().get(path(host)).path("host");
            if (out.json()) {
                out.json(h);
                return 0;
            }
            showHost(out, h);
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode i : h.path("instances")) {
                rows.add(List.of(Out.text(i.path("id")), Out.text(i.path("name")), Out.text(i.path("tenant_id")),
                        i.path("replica_of").isNull() ? "" : Out.text(i.path("replica_of")),
                        Out.text(i.path("server_status")), Out.text(i.path("task_status"))));
            }
            out.table(List.of("instance", "name", "project", "replica of", "status", "task"), rows);
            return 0;
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = {"Place no new instance on the host, and hand each master on it to its most current"
                    + " replica on another host (a switchover that loses no acknowledged write).",
                    "Replicas and instances without replicas stay: replace them as"
                            + " deploy/runbooks/hosts-and-upgrades.md says. Run it again to hand over masters it could"
                            + " not the first time."})
    static final class Drain implements Callable<Integer> {
        @ParentCommand
        HostCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "HOST", description = "the host's id or name")
        String host;

        @Override
        public Integer call() {
            Out out = parent.root.out(spec.commandLine());
            JsonNode answer = parent.root.api().post(path(host) + "/action", Map.of("drain", Map.of()));
            if (out.json()) {
                out.json(answer);
                return 0;
            }
            showHost(out, answer.path("host"));
            int skipped = 0;
            for (JsonNode h : answer.path("handovers")) {
                if (h.path("skipped").isNull()) {
                    out.line("  " + Out.text(h.path("name")) + " (" + Out.text(h.path("instance"))
                            + "): switching over to " + Out.text(h.path("replica")));
                } else {
                    skipped++;
                    out.line("  " + Out.text(h.path("name")) + " (" + Out.text(h.path("instance"))
                            + "): not handed over: " + Out.text(h.path("skipped")));
                }
            }
            if (answer.path("handovers").isEmpty()) {
                out.line("  no master left to hand over");
            }
            return skipped == 0 ? 0 : 1;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "The host takes new instances again; nothing moves back to it.")
    static final class Resume implements Callable<Integer> {
        @ParentCommand
        HostCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "HOST", description = "the host's id or name")
        String host;

        @Override
        public Integer call() {
            Out out = parent.root.out(spec.commandLine());
            JsonNode answer = parent.root.api().post(path(host) + "/action", Map.of("resume", Map.of()));
            if (out.json()) {
                out.json(answer);
            } else {
                showHost(out, answer.path("host"));
            }
            return 0;
        }
    }
}
