package org.redtrove.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code redtrove cp SRC DST}: copies the data that exists now, filtered, as a job on the server
 * (it goes on if this command is interrupted; {@code redtrove copy show ID} follows it), and shows
 * its progress until it ends.
 */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = {"Copy the keys that exist now from SRC to DST, filtered, keeping types and TTLs.",
                "SRC and DST are instances of the project (name or id) or redis://[:password@]host:port[/db] URLs.",
                "Keys that exist on DST are skipped (and counted) unless --replace: a re-run copies only what is missing.",
                "The copy runs on the server: it survives this command, and any crash, and resumes where it stood."},
        footer = {"", "Label filters look at a hash's fields and at each stream entry's fields; other keys carry no"
                + " labels, so --include leaves them out. --start, --stop, --each-n and --each-s thin the entries of"
                + " streams (whose ids carry their time); a stream left with no entry is not copied.",
                "", "Examples:", "  redtrove cp sensors sensors-copy --entries 'sensor-*' --include status=working",
                "  redtrove cp plant redis://backup.example:6379/2 --target-password \"$BACKUP_PW\" --quiet"})
final class CpCommand implements Callable<Integer> {

    @ParentCommand
    Redtrove root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "the instance or URL copied from")
    String source;
    @Parameters(index = "1", paramLabel = "DST", description = "the instance or URL copied to")
    String target;
    @Option(names = "--source-password", paramLabel = "PASSWORD",
            description = "the password of a SRC URL (or REDTROVE_SOURCE_PASSWORD)")
    String sourcePassword;
    @Option(names = "--target-password", paramLabel = "PASSWORD",
            description = "the password of a DST URL (or REDTROVE_TARGET_PASSWORD)")
    String targetPassword;
    @Option(names = "--entries", arity = "1..*", paramLabel = "PATTERN", description = "key glob patterns (all keys if none)")
    List<String> entries;
    @Option(names = "--include", arity = "1..*", paramLabel = "LABEL=VALUE",
            description = "only hashes holding, and stream entries carrying, every one of these")
    List<String> include;
    @Option(names = "--exclude", arity = "1..*", paramLabel = "LABEL=VALUE",
            description = "no hash holding, and no stream entry carrying, any of these")
    List<String> exclude;
    @Option(names = "--start", paramLabel = "TIME", description = "stream entries from this time: ms since the epoch"
            + " or ISO-8601 (2026-01-31T12:00:00Z)")
    String start;
    @Option(names = "--stop", paramLabel = "TIME", description = "stream entries before this time")
    String stop;
    @Option(names = "--each-n", paramLabel = "N", description = "every N-th entry of each stream")
    Integer eachN;
    @Option(names = "--each-s", paramLabel = "SECONDS", description = "an entry of each stream every S seconds at most")
    Double eachS;
    @Option(names = "--limit", paramLabel = "N", description = "copy at most N keys")
    Long limit;
    @Option(names = "--db", paramLabel = "N", description = "the database read and written where a URL names none (default 0)")
    Integer db;
    @Option(names = "--replace", description = "overwrite keys that exist on DST")
    boolean replace;
    @Option(names = "--detach", description = "start the copy and return at once")
    boolean detach;
    @Option(names = {"-q", "--quiet"}, description = "print only the final line")
    boolean quiet;

    @Override
    public Integer call() throws InterruptedException {
        ObjectNode copy = Api.JSON.createObjectNode();
        side(copy, "source", source, sourcePassword, "REDTROVE_SOURCE_PASSWORD");
        side(copy, "target", target, targetPassword, "REDTROVE_TARGET_PASSWORD");
        if (entries != null) {
            var array = copy.putArray("entries");
            entries.forEach(array::add);
        }
        if (include != null) {
            copy.set("include", Api.JSON.valueToTree(Labels.parse(include, "--include")));
        }
        if (exclude != null) {
            copy.set("exclude", Api.JSON.valueToTree(Labels.parse(exclude, "--exclude")));
        }
        time(copy, "start", start);
        time(copy, "stop", stop);
        if (eachN != null) {
            copy.put("each_n", eachN);
        }
        if (eachS != null) {
            copy.put("each_s", eachS);
        }
        if (limit != null) {
            copy.put("limit", limit);
        }
        if (db != null) {
            copy.put("db", db);
        }
        if (replace) {
            copy.put("replace", true);
        }
        Api api = root.api();
        Out out = root.out(spec.commandLine());
        JsonNode started = api.post("/copies", Api.JSON.createObjectNode().set("copy", copy)).path("copy");
        String id = started.path("id").asString();
        if (detach) {
            if (out.json()) {
                out.json(started);
            } else if (!quiet) {
                out.line("Copy " + id + " started: " + Out.text(started.path("source")) + " -> "
                        + Out.text(started.path("target")));
                out.line("Follow it with: redtrove copy show " + id + " --wait");
            } else {
                out.line(id);
            }
            return 0;
        }
        if (!quiet && !out.json()) {
            out.line("Copy " + id + ": " + Out.text(started.path("source")) + " -> " + Out.text(started.path("target")));
        }
        JsonNode done = CopyCommand.follow(api, out, id, quiet || out.json());
        return CopyCommand.report(out, done);
    }

    /** An instance reference, or a URL whose password (user info) goes in {@code <side>_password}. */
    private void side(ObjectNode copy, String side, String reference, String password, String variable) {
        String lower = reference.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            copy.put(side, reference);
            if (password != null) {
                throw new ClientError("--" + side + "-password is for a URL; " + reference + " is an instance");
            }
            return;
        }
        String url = reference;
        String fromUrl = null;
        try {
            URI uri = new URI(reference);
            if (uri.getRawUserInfo() != null) {
                String info = uri.getRawUserInfo();
                int colon = info.indexOf(':');
                String user = colon < 0 ? "" : URLDecoder.decode(info.substring(0, colon), StandardCharsets.UTF_8);
                if (!user.isEmpty() && !user.equals("default")) {
                    throw new ClientError("Only the default user logs in to a " + side + " URL; give redis://:PASSWORD@...");
                }
                fromUrl = URLDecoder.decode(colon < 0 ? info : info.substring(colon + 1), StandardCharsets.UTF_8);
                url = new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                        uri.getFragment()).toString();
            }
        } catch (URISyntaxException e) {
            throw new ClientError("Not a URL: " + reference.replaceAll("//[^@/]*@", "//***@"));
        }
        copy.put(side + "_url", url);
        String chosen = password != null ? password : fromUrl != null ? fromUrl : root.env().get(variable);
        if (chosen != null && !chosen.isEmpty()) {
            copy.put(side + "_password", chosen);
        }
    }

    private static void time(ObjectNode copy, String field, String value) {
        if (value == null) {
            return;
        }
        if (value.matches("[0-9]+")) {
            copy.put(field, Long.parseLong(value));
        } else {
            copy.put(field, value);
        }
    }
}
