package org.redtrove.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.redtrove.deploy.dev.DevOptions;
import org.redtrove.deploy.dev.DevStack;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web console in Debian's chromium against a real dev mode, as a user meets it: a wrong
 * password refused, an empty project, an instance created and seen turning ACTIVE without a
 * reload, two replicas added and their lag shown, one promoted and the topology redrawn, a filtered
 * replication task created (after a refused setting) whose ok count grows as records are written,
 * deletes confirmed by typing the name, a logout that revokes the token, and a session the api
 * ended returning to the login page. Screenshots go to deploy/target/console-screenshots.
 */
@RequiresBrowser
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final Duration BUILD = Duration.ofSeconds(90);
    private static final Duration ARRIVE = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dataDir;
    static DevStack stack;
    static TroveHttp trove;
    static SetProbe probe;
    static TenantSets sets;
    static ConsoleBrowser browser;

    @BeforeAll
    static void start() throws Exception {
        stack = DevStack.start(DevOptions.defaults(dataDir).withApiPort(0).withGuestPortRange("19600-19699"));
        trove = new TroveHttp(stack.apiUrl()).login(DevStack.ADMIN_USER, stack.adminPassword(), DevStack.ADMIN_PROJECT);
        probe = new SetProbe(trove);
        sets = new TenantSets(trove, BUILD);
        browser = new ConsoleBrowser(stack.apiUrl());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static void logIn(String password) {
        browser.open("/console/");
        browser.visible(By.id("login-user")).clear();
        browser.driver().findElement(By.id("login-user")).sendKeys(DevStack.ADMIN_USER);
        browser.driver().findElement(By.id("login-password")).sendKeys(password);
        browser.driver().findElement(By.id("login-project")).clear();
        browser.driver().findElement(By.id("login-project")).sendKeys(DevStack.ADMIN_PROJECT);
        browser.driver().findElement(By.cssSelector("form.login button[type=submit]")).click();
    }

    /** Clicks the button of the open dialog that says {@code text}. */
    private static void confirm(String text) {
        browser.visible(By.cssSelector("dialog[open]"));
        browser.driver().findElement(By.xpath("//dialog[@open]//button[normalize-space()='" + text + "']")).click();
        browser.until(Duration.ofSeconds(5), d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());
    }

    private static void click(String linkOrButtonText) {
        browser.visible(By.xpath("//*[self::a or self::button][normalize-space()='" + linkOrButtonText
                + "' and not(@hidden)]")).click();
    }

    /** Inputs, selects and text areas on the page with no label: there must be none. */
    @SuppressWarnings("unchecked")
    private static List<String> unlabelled() {
        return (List<String>) browser.script("""
                return [...document.querySelectorAll('input, select, textarea')]
                  .filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label'))
                  .map(e => e.outerHTML);""");
    }

    /** A replication task's diagnostics as the api shows them. */
    private static JsonNode taskDiagnostics(String name) {
        try {
            return trove.trove("GET", "/replications/" + name, null).json().get("diagnostics");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token() throws Exception {
        return JSON.readTree((String) browser.script("return sessionStorage.getItem('redtrove.session')"))
                .get("token").asString();
    }

    private static int status(String method, String path, String token, String subject) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("X-Auth-Token", token);
        if (subject != null) {
            request.header("X-Subject-Token", subject);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Order(1)
    void aWrongPasswordIsRefusedAnEmptyProjectSaysWhatToDoAndLoggingOutEndsTheToken() throws Exception {
        logIn("not-the-password");
        browser.awaitText(By.cssSelector("form.login .message.error"), "The user name, password or project is wrong.",
                Duration.ofSeconds(10));
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("not-the-password");
        browser.screenshot("login-refused");

        logIn(stack.adminPassword());
        browser.awaitText(By.cssSelector("section.empty h2"), "No instances yet", Duration.ofSeconds(10));
        assertThat(browser.driver().findElement(By.cssSelector("section.empty")).getText())
                .contains("Create one first");
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(token());
        browser.screenshot("empty-project");
        browser.size(390, 844);
        assertThat((Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scrolling at a phone's width").isTrue();
        browser.screenshot("empty-project-phone");
        browser.size(1280, 1000);

        // Logging out revokes the token: the api refuses it afterwards.
        String loggedOut = token();
        assertThat(status("GET", "/v1.0/" + trove.projectId() + "/instances", loggedOut, null)).isEqualTo(200);
        click("Log out");
        browser.awaitText(By.id("login-reason"), "You logged out.", Duration.ofSeconds(10));
        assertThat(status("GET", "/v1.0/" + trove.projectId() + "/instances", loggedOut, null)).isEqualTo(401);

        // A session the api ends (here an admin revokes its token) returns to the login page, saying why.
        logIn(stack.adminPassword());
        browser.visible(By.cssSelector("section.empty"));
        assertThat(status("DELETE", "/identity/v3/auth/tokens", trove.token(), token())).isEqualTo(204);
        browser.awaitText(By.id("login-reason"), "The api ended the session", Duration.ofSeconds(10));
        browser.screenshot("session-ended");
        assertThat(unlabelled()).isEmpty();
    }

    @Test
    @Order(2)
    void createAnInstanceAddReplicasPromoteReplicateFilteredAndDeleteByTypedName() throws Exception {
        logIn(stack.adminPassword());
        click("Create your first instance");
        browser.visible(By.id("instance-name")).sendKeys("web");
        assertThat(unlabelled()).isEmpty();
        browser.screenshot("create-instance");
        browser.driver().findElement(By.cssSelector("form button[type=submit]")).click();
        browser.until(Duration.ofSeconds(10), d -> d.getCurrentUrl().matches(".*#/instances/[0-9a-f-]{36}$"));
        String web = browser.driver().getCurrentUrl().replaceAll(".*#/instances/", "");
        // ACTIVE without a reload: the page updates itself
        browser.awaitText(By.tagName("h1"), "ACTIVE", BUILD);
        browser.visible(By.xpath("//button[normalize-space()='Reveal password']")).click();
        browser.awaitText(By.cssSelector(".password code"), probe.password(web), Duration.ofSeconds(5));
        click("Hide password");
        browser.screenshot("instance-active");

        WebElement count = browser.visible(By.id("replica-count"));
        count.clear();
        count.sendKeys("2");
        click("Add replicas");
        confirm("Add 2");
        browser.until(BUILD.multipliedBy(2), d -> {
            List<WebElement> replicas = d.findElements(By.cssSelector(".tier[aria-label=Replicas] .node"));
            return replicas.size() == 2 && replicas.stream().allMatch(r -> {
                String text = r.getText();
                return text.contains("HEALTHY") && r.findElement(By.cssSelector(".link")).getText().contains("UP")
                        && r.findElement(By.cssSelector(".behind")).getText().equals("0 B");
            });
        });
        // The attach job says where each replica is, and keeps what it went through.
        browser.until(Duration.ofSeconds(10), d -> d.findElements(By.cssSelector("[data-job=ATTACH_REPLICAS] "
                + ".progress-item")).stream().filter(p -> p.getText().matches("replica web-replica-[12]: in sync \\(preparing "
                + "its redis-server → asking the master for its data → .*in sync\\)")).count() == 2);
        browser.screenshot("two-replicas-in-sync");

        // Promote one replica, from its own page, reached through the list.
        click("Instances");
        By replicaLink = By.xpath("//section[@data-set='web']//tr[td[@class='role' and text()='replica']]//a");
        browser.visible(replicaLink);
        assertThat(browser.driver().findElements(By.cssSelector("section[data-set='web'] tbody tr"))).hasSize(3);
        browser.screenshot("instances-grouped-by-set");
        WebElement link = browser.driver().findElements(replicaLink).get(0);
        String promotedName = link.getText();
        link.click();
        browser.awaitText(By.id("role"), "replica", Duration.ofSeconds(10));
        String promoted = browser.driver().getCurrentUrl().replaceAll(".*#/instances/", "");
        click("Promote to master");
        confirm("Promote");
        browser.awaitText(By.id("role"), "master", BUILD);
        browser.awaitText(By.cssSelector(".tier[aria-label=Master] .node"), promotedName, BUILD);
        browser.until(BUILD, d -> d.findElements(By.cssSelector(".tier[aria-label=Replicas] .node")).size() == 2);
        assertThat(probe.role(promoted)).isEqualTo("master");
        assertThat(probe.role(web)).isEqualTo("slave");
        browser.until(BUILD, d -> d.findElements(By.cssSelector("[data-job=PROMOTE]")).stream()
                .anyMatch(j -> j.getText().contains("SUCCEEDED")));
        browser.screenshot("promoted");

        // A filtered replication task, through the form; a refused setting shows at its field.
        String sink = sets.createActive("sink");
        click("Replication tasks");
        browser.awaitText(By.cssSelector("section.empty h2"), "No replication tasks yet", Duration.ofSeconds(10));
        click("Create a replication task");
        browser.visible(By.id("task-name")).sendKeys("sensors");
        new Select(browser.driver().findElement(By.id("task-source"))).selectByVisibleText("web");
        new Select(browser.driver().findElement(By.id("task-target"))).selectByVisibleText("sink");
        browser.driver().findElement(By.id("task-entries")).sendKeys("sensor-*");
        browser.driver().findElement(By.id("task-include")).sendKeys("status=ok");
        browser.driver().findElement(By.id("task-each-n")).sendKeys("0");
        assertThat(unlabelled()).isEmpty();
        click("Create");
        browser.awaitText(By.id("task-each-n-error"), "each_n 0 is less than the minimum of 1", Duration.ofSeconds(10));
        browser.screenshot("task-refused-setting");
        browser.driver().findElement(By.id("task-each-n")).clear();
        click("Create");
        browser.until(Duration.ofSeconds(10), d -> d.getCurrentUrl().endsWith("#/replications/sensors"));
        browser.awaitText(By.id("task-active"), "YES", ARRIVE);

        try (Jedis master = probe.tenant(promoted)) {
            for (int i = 0; i < 5; i++) {
                master.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("status", "ok", "i", Integer.toString(i)));
                master.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("status", "bad", "i", Integer.toString(i)));
            }
            master.xadd("other", StreamEntryID.NEW_ENTRY, Map.of("status", "ok"));
        }
        browser.until(ARRIVE, d -> Long.parseLong(d.findElement(By.id("task-ok")).getText()) > 0);
        try (Jedis master = probe.tenant(promoted)) {
            for (int i = 5; i < 10; i++) {
                master.xadd("sensor-1", StreamEntryID.NEW_ENTRY, Map.of("status", "ok", "i", Integer.toString(i)));
            }
        }
        // The hourly figure is scaled up to an hour while the task is young (ReductStore's rule), so
        // 5 records in the first minute and 10 over two both show as 300: the minutes, unscaled,
        // count all ten, and the page shows the api's figure.
        browser.until(ARRIVE, d -> {
            JsonNode diagnostics = taskDiagnostics("sensors");
            long applied = 0;
            for (JsonNode minute : diagnostics.get("minutes")) {
                applied += minute.get("ok").asLong();
            }
            return applied == 10 && d.findElement(By.id("task-ok")).getText()
                    .equals(diagnostics.get("hourly").get("ok").asString());
        });
        try (Jedis target = probe.tenant(sink)) {
            browser.until(ARRIVE, d -> target.xlen("sensor-1") == 10);
            assertThat(target.exists("other")).isFalse();
        }
        browser.visible(By.cssSelector("svg.chart rect.bar-ok"));
        browser.screenshot("task-ok-growing");
        click("Replication tasks");
        browser.awaitText(By.cssSelector("tr[data-task=sensors] .ok"), "", Duration.ofSeconds(5));
        browser.until(ARRIVE, d -> !d.findElement(By.cssSelector("tr[data-task=sensors] .ok")).getText().equals("–")
                && Long.parseLong(d.findElement(By.cssSelector("tr[data-task=sensors] .ok")).getText()) > 0);
        browser.screenshot("tasks-list");

        // Paused and resumed from its page: the mode shown, and the api's, follow.
        browser.driver().findElement(By.linkText("sensors")).click();
        click("Pause");
        browser.awaitText(By.tagName("h1"), "PAUSED", Duration.ofSeconds(10));
        assertThat(trove.trove("GET", "/replications/sensors", null).json().get("info").get("mode").asString())
                .isEqualTo("paused");
        click("Resume");
        browser.awaitText(By.tagName("h1"), "ENABLED", Duration.ofSeconds(10));

        // Edited through the same form: the settings shown change.
        click("Edit");
        WebElement eachN = browser.visible(By.id("task-each-n"));
        assertThat(browser.driver().findElement(By.id("task-include")).getAttribute("value")).isEqualTo("status=ok");
        eachN.clear();
        eachN.sendKeys("2");
        click("Save");
        browser.awaitText(By.id("flash"), "Saved.", Duration.ofSeconds(10));
        browser.awaitText(By.id("setting-each-n"), "2", Duration.ofSeconds(10));
        assertThat(trove.trove("GET", "/replications/sensors", null).json().get("settings").get("each_n").asInt())
                .isEqualTo(2);

        // Removing the task and deleting the instance both want the name typed.
        click("Remove");
        WebElement remove = browser.visible(By.xpath("//dialog[@open]//button[normalize-space()='Remove']"));
        assertThat(remove.isEnabled()).isFalse();
        browser.driver().findElement(By.id("confirm-name")).sendKeys("sensor");
        assertThat(remove.isEnabled()).as("not the exact name").isFalse();
        browser.driver().findElement(By.id("confirm-name")).sendKeys("s");
        assertThat(remove.isEnabled()).isTrue();
        browser.screenshot("remove-typed-name");
        remove.click();
        browser.awaitText(By.id("flash"), "sensors was removed.", Duration.ofSeconds(10));
        assertThat(trove.trove("GET", "/replications/sensors", null).status()).isEqualTo(404);

        click("Instances");
        browser.visible(By.linkText("sink")).click();
        browser.awaitText(By.tagName("h1"), "sink", Duration.ofSeconds(10));
        click("Delete instance");
        WebElement delete = browser.visible(By.xpath("//dialog[@open]//button[normalize-space()='Delete']"));
        assertThat(delete.isEnabled()).isFalse();
        browser.driver().findElement(By.id("confirm-name")).sendKeys("sink");
        delete.click();
        browser.awaitText(By.id("flash"), "sink is being deleted.", Duration.ofSeconds(10));
        browser.until(BUILD, d -> d.findElements(By.cssSelector("section[data-set='sink']")).isEmpty());
        browser.screenshot("deleted");
        assertThat(probe.view(sink)).isNull();

        // An automatic failover: the master's job history shows why, and how the replicas ranked.
        browser.open("/console/#/instances/" + promoted);
        browser.awaitText(By.id("role"), "master", Duration.ofSeconds(10));
        RedisProcesses.signal("KILL", RedisProcesses.serving(probe.port(promoted)).get(0));
        browser.until(BUILD, d -> d.findElements(By.cssSelector("[data-job=EJECT]")).stream()
                .anyMatch(j -> j.getText().contains("SUCCEEDED") && j.getText().contains("Candidates, most current first")
                        && j.getText().contains("Why:")));
        browser.screenshot("failover-ranking");

        assertThat(browser.severeLogs()).as("no script errors or refused loads in the browser's console")
                .allMatch(line -> line.contains("the server responded with a status of"));
    }
}
