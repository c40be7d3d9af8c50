package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redtrove.cli.Redtrove;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code redtrove} command against a real dev mode, logged in from an openrc's variables:
 * every verb, its JSON parsed, its tables read, its errors one line with exit status 1, a usage
 * error 2, the typed-name confirmation, the copy's progress and final line. And once as a process,
 * through cli/redtrove, as a user runs it.
 */
class CliTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration BUILD = Duration.ofSeconds(90);

    @TempDir
    static Path dataDir;
    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;
    static TenantSets sets;
    static Map<String, String> openrc;
    static String src;
    static String dst;

    record Result(int status, String out, String err) {
        JsonNode json() {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void startStack() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19700-19799"));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        sets = new TenantSets(trove, BUILD);
        openrc = new HashMap<>();
        for (String line : Files.readAllLines(stack.dataDir().resolve("openrc"))) {
            if (line.startsWith("export ")) {
                String[] kv = line.substring("export ".length()).split("=", 2);
                openrc.put(kv[0], kv[1].replaceAll("^'|'$", ""));
            }
        }
        src = sets.createActive("cli-src");
        dst = sets.createActive("cli-dst");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Result cli(String... args) {
        return cliWith(openrc, "", false, args);
    }

    private static Result cliWith(Map<String, String> env, String input, boolean terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Redtrove.run(args, env, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                terminal);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void logsInAsOpenstackDoesAndSaysWhyNotInOneLine() throws Exception {
        assertThat(cli("replication", "list").status()).isZero();

        Map<String, String> wrong = new HashMap<>(openrc);
        wrong.put("OS_PASSWORD", "not-the-password");
        Result refused = cliWith(wrong, "", false, "replication", "list");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).startsWith("Error: Login refused by " + openrc.get("OS_AUTH_URL"))
                .contains("(HTTP 401)").doesNotContain("Exception").doesNotContain("not-the-password");
        assertThat(refused.err().strip().lines()).hasSize(1);

        Result nowhere = cliWith(Map.of(), "", false, "replication", "list");
        assertThat(nowhere.status()).isEqualTo(1);
        assertThat(nowhere.err()).isEqualTo("Error: No OS_AUTH_URL: source an openrc (deploy/redtrove dev writes one)"
                + " or give --os-auth-url\n");

        // a token instead of a password, and the options over the variables
        String token = token();
        Map<String, String> byToken = new HashMap<>(openrc);
        byToken.remove("OS_PASSWORD");
        byToken.put("OS_AUTH_TYPE", "v3token");
        byToken.put("OS_TOKEN", token);
        Result tokenLogin = cliWith(byToken, "", false, "replication", "list");
        assertThat(tokenLogin.status()).as(tokenLogin.err()).isZero();
        Result overridden = cliWith(wrong, "", false, "--os-password", stack.adminPassword(), "replication", "list");
        assertThat(overridden.status()).as(overridden.err()).isZero();

        Result usage = cli("replication", "create");
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameter: 'NAME'");
        assertThat(cli("cp", "--help").out()).contains("Usage: redtrove cp").contains("--include=LABEL=VALUE");
        for (String verb : List.of("create", "list", "show", "update", "pause", "resume", "delete")) {
            assertThat(cli("replication", verb, "--help").out()).as(verb).startsWith("Usage: redtrove replication " + verb);
        }
    }

    @Test
    void replicationVerbsFromCreateToDelete() throws Exception {
        Result created = cli("replication", "create", "cli-task", "--source", "cli-src", "--target", "cli-dst",
                "--entries", "sensor-*", "--include", "status=working", "--each-n", "2");
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("Replication 'cli-task' created: enabled\n");
        Result outside = cli("replication", "create", "cli-out", "--source", "cli-src", "--target-url",
                "redis://127.0.0.1:6390/1", "--target-password", "outside-secret", "--mode", "paused");
        assertThat(outside.status()).as(outside.err()).isZero();

        Result list = cli("replication", "list");
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0)).matches("NAME +MODE +ACTIVE +PENDING +PROVISIONED");
        assertThat(lines).anyMatch(l -> l.matches("cli-task +enabled +(yes|no) +\\d+ +no"));
        assertThat(lines).anyMatch(l -> l.matches("cli-out +paused +no +\\d+ +no"));
        int modeColumn = lines.get(0).indexOf("MODE");
        assertThat(lines.subList(1, lines.size())).allMatch(l -> l.indexOf(l.contains("enabled") ? "enabled" : "paused")
                == modeColumn);

        JsonNode full = cli("replication", "list", "--full", "-f", "json").json().get("replications");
        assertThat(full).hasSize(2);
        JsonNode task = full.get(0).get("info").get("name").asString().equals("cli-task") ? full.get(0) : full.get(1);
        assertThat(task.get("settings").get("include").get("status").asString()).isEqualTo("working");
        assertThat(task.get("diagnostics").get("hourly").has("ok")).isTrue();
        assertThat(cli("replication", "list", "--full").out()).contains("OK (1H)").contains("cli-src");

        JsonNode shownOut = cli("replication", "show", "cli-out", "-f", "json").json();
        assertThat(shownOut.get("settings").get("dst_password").asString()).isEqualTo("***");
        Result show = cli("replication", "show", "cli-task");
        assertThat(show.out()).containsPattern("entries +sensor-\\*").containsPattern("include +status=working")
                .containsPattern("each n +2");

        Result updated = cli("replication", "update", "cli-task", "--entries", "engine-*", "--each-n", "3");
        assertThat(updated.status()).as(updated.err()).isZero();
        JsonNode settings = cli("replication", "show", "cli-task", "-f", "json").json().get("settings");
        assertThat(settings.get("entries").get(0).asString()).isEqualTo("engine-*");
        assertThat(settings.get("each_n").asInt()).isEqualTo(3);
        assertThat(settings.get("include").get("status").asString()).as("kept").isEqualTo("working");
        assertThat(cli("replication", "update", "cli-out", "--each-s", "0.5").status()).as("the password kept").isZero();

        assertThat(cli("replication", "pause", "cli-task").out()).isEqualTo("Replication 'cli-task' is paused\n");
        assertThat(cli("replication", "resume", "cli-task").out()).isEqualTo("Replication 'cli-task' is enabled\n");

        Result notTyped = cliWith(openrc, "cli-tas\n", false, "replication", "delete", "cli-task");
        assertThat(notTyped.status()).isEqualTo(1);
        assertThat(notTyped.err()).isEqualTo("Error: Not deleted: the name typed was not 'cli-task' (or give --yes)\n");
        assertThat(cli("replication", "show", "cli-task").status()).isZero();
        Result typed = cliWith(openrc, "cli-task\n", false, "replication", "delete", "cli-task");
        assertThat(typed.status()).as(typed.err()).isZero();
        assertThat(typed.out()).isEqualTo("Type the name of the replication to delete it (cli-task): "
                + "Replication 'cli-task' deleted\n");
        assertThat(cli("replication", "rm", "cli-out", "--yes").status()).isZero();

        Result gone = cli("replication", "show", "cli-task");
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("Error: Replication 'cli-task' does not exist (HTTP 404)\n");
        Result bad = cli("replication", "create", "bad", "--source", "cli-src", "--target", "cli-dst", "--include", "x");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("Error: --include takes LABEL=VALUE, not 'x'\n");
        Result twice = cli("replication", "create", "bad", "--source", "cli-src", "--target", "cli-dst", "--exclude",
                "status=idle", "status=bad");
        assertThat(twice.status()).isEqualTo(1);
        assertThat(twice.err()).isEqualTo("Error: --exclude gives 'status' twice; a label takes one value here\n");
    }

    @Test
    void replicasShowsEveryMemberAndWatchRefreshesIt() throws Exception {
        String master = sets.createActive("cli-set");
        sets.createReplicas(master, "cli-set-r", 1);
        // ACTIVE comes from the attach's own look at the replica; the link shown is its latest
        // heartbeat's, which can be from a moment before the sync ended
        ReplicationTasksTest.await("the replica's report with its link up", Duration.ofSeconds(30), () -> {
            JsonNode members = cli("replicas", "cli-set", "-f", "json").json().get("members");
            return members.size() == 2 && "up".equals(members.get(1).path("link").asString(""));
        });
        JsonNode json = cli("replicas", master, "-f", "json").json();
        assertThat(json.get("members").get(0).get("role").asString()).isEqualTo("master");
        assertThat(json.get("members").get(1).get("role").asString()).isEqualTo("replica");
        assertThat(json.get("members").get(1).get("link").asString()).isEqualTo("up");
        Result table = cli("replicas", "cli-set");
        assertThat(table.out()).startsWith("Replica set cli-set, epoch ");
        assertThat(table.out()).containsPattern("NAME +ROLE +HEALTH +LINK +BYTES BEHIND +SECONDS BEHIND");
        assertThat(table.out()).containsPattern("cli-set +master +HEALTHY").containsPattern("cli-set-r +replica +HEALTHY +up +\\d+");
        Result watched = cli("replicas", "cli-set", "--watch", "--interval", "0.2", "--times", "3");
        assertThat(watched.status()).isZero();
        assertThat(watched.out().split("Replica set cli-set").length - 1).isEqualTo(3);
        Result unknown = cli("replicas", "no-such-set");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("Error: No instance with a name or ID of 'no-such-set' exists.\n");
    }

    @Test
    void cpShowsProgressPrintsTheFinalLineAndReRunsSkip() throws Exception {
        try (Jedis s = probe.tenant(src); Jedis d = probe.tenant(dst)) {
            d.flushAll();
            s.flushAll();
            Pipeline p = s.pipelined();
            for (int i = 0; i < 20_000; i++) {
                p.set("k:" + i, Integer.toString(i));
                if (i % 4 == 0) {
                    p.hset("h:" + i, Map.of("status", i % 8 == 0 ? "working" : "idle"));
                }
            }
            p.sync();
        }
        Result quiet = cli("cp", "cli-src", "cli-dst", "--quiet");
        assertThat(quiet.status()).as(quiet.err()).isZero();
        assertThat(quiet.out()).matches("Copied 25000 keys \\(skipped 0, failed 0\\) in \\d+\\.\\d s\n");
        Result again = cli("cp", "cli-src", "cli-dst", "-q");
        assertThat(again.out()).matches("Copied 0 keys \\(skipped 25000, failed 0\\) in \\d+\\.\\d s\n");

        // on a terminal: the bar, drawn in place, with keys/s; only what --include names is copied
        try (Jedis d = probe.tenant(dst)) {
            d.flushAll();
        }
        Result bar = cliWith(openrc, "", true, "cp", "cli-src", "cli-dst", "--entries", "h:*", "--include",
                "status=working");
        assertThat(bar.status()).as(bar.err()).isZero();
        assertThat(bar.out()).startsWith("Copy ").contains("\r[##############################] 100%")
                .contains("keys/s").endsWith("Copied 2500 keys (skipped 0, failed 0) in "
                        + bar.out().replaceAll("(?s).* in ([0-9.]+ s)\n$", "$1") + "\n");

        // detached: the id at once, followed later
        Result detached = cli("cp", "cli-src", "cli-dst", "--detach", "--replace", "--limit", "10");
        assertThat(detached.out()).contains("Follow it with: redtrove copy show ");
        String id = detached.out().replaceAll("(?s).*redtrove copy show (\\S+) --wait.*", "$1");
        JsonNode followed = cli("copy", "show", id, "--wait", "-f", "json").json();
        assertThat(followed.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(followed.get("progress").get("copied").asLong()).isEqualTo(10);
        assertThat(cli("copy", "show", id).out()).containsPattern("state +SUCCEEDED").containsPattern("copied +10");
        assertThat(cli("copy", "list").out()).containsPattern(id + " +SUCCEEDED +cli-src +cli-dst +10");

        // bad input: one line each, exit status 1
        assertThat(cli("cp", "nope", "cli-dst").err()).isEqualTo("Error: Source instance 'nope' does not exist (HTTP 404)\n");
        assertThat(cli("cp", "cli-src", "cli-src").err())
                .isEqualTo("Error: The source and the target are the same instance (HTTP 422)\n");
        Result pattern = cli("cp", "cli-src", "cli-dst", "--entries", "a[b");
        assertThat(pattern.status()).isEqualTo(1);
        assertThat(pattern.err()).isEqualTo("Error: Validation error: key pattern 'a[b' has a '[' that is never closed"
                + " (HTTP 400)\n");
        Result unreachable = cli("cp", "cli-src", "redis://:secret@127.0.0.1:1/0", "-q");
        assertThat(unreachable.status()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("Error: Cannot reach the target redis://127.0.0.1:1/0: ")
                .doesNotContain("secret");
        assertThat(unreachable.err().strip().lines()).hasSize(1);
    }

    @Test
    void theInstalledCommandRunsAsAProcess() throws Exception {
        Path jar = Path.of("..", "cli", "target", "redtrove-cli-exec.jar").toAbsolutePath().normalize();
        assertThat(jar).as("the client's jar, built by the cli module before this one").exists();
        Path bin = Files.createDirectories(dataDir.resolve("bin"));
        Path link = bin.resolve("redtrove");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("..", "cli", "redtrove").toAbsolutePath().normalize());
        ProcessBuilder help = new ProcessBuilder(link.toString(), "--help").redirectErrorStream(true);
        help.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        help.environment().put("REDTROVE_CLI_JAR", jar.toString());
        Process p = help.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(text).startsWith("Usage: redtrove").contains("replication").contains("cp");

        ProcessBuilder list = new ProcessBuilder(link.toString(), "replication", "list", "-f", "json");
        list.environment().putAll(openrc);
        list.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        list.environment().put("REDTROVE_CLI_JAR", jar.toString());
        Process l = list.start();
        String json = new String(l.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(l.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(l.exitValue()).as(new String(l.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(JSON.readTree(json).has("replications")).isTrue();
        assertThat(json).doesNotContain("\u001b[");
    }

    private static String token() throws Exception {
        String body = """
                {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "%s",
                 "domain": {"name": "Default"}, "password": "%s"}}},
                 "scope": {"project": {"name": "%s", "domain": {"name": "Default"}}}}}"""
                .formatted(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(openrc.get("OS_AUTH_URL") + "/auth/tokens")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        return r.headers().firstValue("X-Subject-Token").orElseThrow();
    }
}
