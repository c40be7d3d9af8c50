package org.redtrove.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven through its chromium-driver, for the console's tests: the
 * flags keep it off the network this machine does not have (as the environment's notes say), and
 * every screenshot goes to the build's output, numbered in the order taken, for a reviewer.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("REDTROVE_CHROMIUM", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getenv().getOrDefault("REDTROVE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path SHOTS = Path.of("target", "console-screenshots");

    private final ChromeDriver driver;
    private final Path profile;
    private final String base;
    private int taken;

    ConsoleBrowser(String baseUrl) {
        this.base = baseUrl;
        try {
            profile = Files.createTempDirectory("redtrove-chromium");
            Files.createDirectories(SHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    WebDriver driver() {
        return driver;
    }

    void open(String path) {
        driver.get(base + path);
    }

    /** Waits (the page updates itself; nothing here reloads it) for something to hold. */
    <T> T until(Duration timeout, Function<WebDriver, T> condition) {
        // the page redraws what changed every 1.5 s: an element read during a redraw is read again
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class).until(condition);
    }

    WebElement visible(By by) {
        return until(Duration.ofSeconds(15), ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** The text of the first element matching, once it contains {@code text}. */
    void awaitText(By by, String text, Duration timeout) {
        until(timeout, ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /**
     * Saves the whole page as the user has it now, as target/console-screenshots/NN-name.png: the
     * window is made as tall as the page for the picture, then given its size back.
     */
    Path screenshot(String name) {
        Path file = SHOTS.resolve("%02d-%s.png".formatted(++taken, name));
        Dimension before = driver.manage().window().getSize();
        long height = ((Number) script("return document.documentElement.scrollHeight")).longValue();
        try {
            driver.manage().window().setSize(new Dimension(before.getWidth(),
                    (int) Math.min(8000, Math.max(before.getHeight(), height + 120))));
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
        return file;
    }

    /** What the page wrote to the browser's console at level SEVERE (script errors, failed loads). */
    List<String> severeLogs() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind harms nothing
        }
    }
}
