package org.redtrove.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code redtrove copy list|show}: the copies {@code cp} started, running or ended. */
@Command(name = "copy", mixinStandardHelpOptions = true, description = "The project's copies: list them, show one.",
        subcommands = {CopyCommand.ListCopies.class, CopyCommand.Show.class})
final class CopyCommand implements Runnable {

    private static final int BAR = 30;

    @ParentCommand
    Redtrove root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "The last 100 copies.")
    static final class ListCopies implements Callable<Integer> {
        @ParentCommand
        CopyCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Out out = parent.root.out(spec.commandLine());
            JsonNode copies = parent.root.api().get("/copies");
            if (out.json()) {
                out.json(copies);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode c : copies.path("copies")) {
                JsonNode p = c.path("progress");
                rows.add(List.of(Out.text(c.path("id")), Out.text(c.path("state")), Out.text(c.path("source")),
                        Out.text(c.path("target")), Out.text(p.path("copied")), Out.text(p.path("skipped")),
                        Out.text(p.path("failed")), Out.text(c.path("created"))));
            }
            out.table(List.of("id", "state", "source", "target", "copied", "skipped", "failed", "created"), rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One copy: where it stands, or how it ended.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        CopyCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--wait", description = "follow it, with its progress, until it ends")
        boolean await;

        @Override
        public Integer call() throws InterruptedException {
            Api api = parent.root.api();
            Out out = parent.root.out(spec.commandLine());
            if (await) {
                return report(out, follow(api, out, id, out.json()));
            }
            JsonNode copy = api.get("/copies/" + id).path("copy");
            if (out.json()) {
                out.json(copy);
                return 0;
            }
            JsonNode p = copy.path("progress");
            List<List<String>> pairs = new ArrayList<>();
            pairs.add(List.of("id", Out.text(copy.path("id"))));
            pairs.add(List.of("state", Out.text(copy.path("state"))));
            pairs.add(List.of("source", Out.text(copy.path("source"))));
            pairs.add(List.of("target", Out.text(copy.path("target"))));
            pairs.add(List.of("filters", Out.text(copy.path("filters"))));
            pairs.add(List.of("keys", p.path("scanned").asLong() + " of " + p.path("total").asLong() + " scanned"));
            pairs.add(List.of("copied", Out.text(p.path("copied"))));
            pairs.add(List.of("skipped", Out.text(p.path("skipped")) + " (exist on the target)"));
            pairs.add(List.of("filtered out", Out.text(p.path("filtered"))));
            pairs.add(List.of("failed", Out.text(p.path("failed"))));
            pairs.add(List.of("elapsed", String.format(Locale.ROOT, "%.1f s", p.path("elapsed_s").asDouble())));
            if (copy.hasNonNull("error")) {
                pairs.add(List.of("error", Out.text(copy.path("error"))));
            }
            if (copy.path("errors").isObject()) {
                copy.path("errors").properties().forEach(e ->
                        pairs.add(List.of("refused", e.getValue().asLong() + " x " + e.getKey())));
            }
            out.fields(pairs);
            return copy.path("state").asString().equals("FAILED") ? 1 : 0;
        }
    }

    /**
     * Polls the copy until it ends. On a terminal: a bar redrawn in place with keys/s and the ETA;
     * otherwise a line every five seconds; {@code silent}: nothing until the end.
     */
    static JsonNode follow(Api api, Out out, String id, boolean silent) throws InterruptedException {
        long lastLine = System.nanoTime();
        boolean drawn = false;
        while (true) {
            JsonNode copy = api.get("/copies/" + id).path("copy");
            String state = copy.path("state").asString();
            boolean ended = state.equals("SUCCEEDED") || state.equals("FAILED");
            if (!silent) {
                if (out.terminal()) {
                    out.writer().print("\r" + bar(copy) + "\u001b[K");
                    out.writer().flush();
                    drawn = true;
                } else if (!ended && System.nanoTime() - lastLine > 5_000_000_000L) {
                    out.line(progressLine(copy));
                    lastLine = System.nanoTime();
                }
            }
            if (ended) {
                if (drawn) {
                    out.writer().println();
                }
                return copy;
            }
            Thread.sleep(out.terminal() ? 200 : 500);
        }
    }

    /** The final line, or the error; the exit status. */
    static int report(Out out, JsonNode copy) {
        if (out.json()) {
            out.json(copy);
        }
        if (copy.path("state").asString().equals("FAILED")) {
            throw new ClientError(Out.text(copy.path("error")));
        }
        if (!out.json()) {
            out.line(Out.text(copy.path("summary")));
        }
        return 0;
    }

    static String bar(JsonNode copy) {
        JsonNode p = copy.path("progress");
        long total = p.path("total").asLong();
        long scanned = p.path("scanned").asLong();
        double share = total > 0 ? Math.min(1.0, (double) scanned / total) : 0;
        int filled = (int) Math.round(share * BAR);
        String eta = p.hasNonNull("eta_s") ? String.format(Locale.ROOT, "ETA %.0f s", p.path("eta_s").asDouble()) : "";
        return String.format(Locale.ROOT, "[%s%s] %3.0f%%  %,d keys  %,.0f keys/s  %s", "#".repeat(filled),
                ".".repeat(BAR - filled), share * 100, scanned, p.path("keys_per_second").asDouble(), eta).trim();
    }

    static String progressLine(JsonNode copy) {
        JsonNode p = copy.path("progress");
        return String.format(Locale.ROOT, "%s: %,d of %,d keys scanned, %,d copied, %,.0f keys/s%s",
                copy.path("state").asString(), p.path("scanned").asLong(), p.path("total").asLong(),
                p.path("copied").asLong(), p.path("keys_per_second").asDouble(),
                p.hasNonNull("eta_s") ? String.format(Locale.ROOT, ", ETA %.0f s", p.path("eta_s").asDouble()) : "");
    }

}
