package dev.harmont.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, both named by path so that
 * nothing is looked up or downloaded (Selenium Manager stays out of it). Controls are found the way
 * a person finds them: a field by its label's text, a button by its text.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String SKIP_VARIABLE = "HARMONT_SKIP_BROWSER_TESTS";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final Path profile;
  private final WebDriverWait wait;
  final URI base;

  /** True when {@link #SKIP_VARIABLE} is 1. */
  static boolean skipped() {
    return "1".equals(System.getenv(SKIP_VARIABLE));
  }

  /**
   * Skips the calling test when {@link #SKIP_VARIABLE} is 1, with the reason printed and recorded
   * in the test report; fails when the browser is missing (the tests must never pass without
   * running).
   */
  static void require() {
    if (skipped()) {
      String reason =
          SKIP_VARIABLE + "=1: the web console's browser tests are skipped (not run, not passed).";
      System.err.println(reason);
      Assumptions.abort(reason);
    }
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      Assertions.fail(
          "The web console's browser tests need "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + ": install them with `apt-get install chromium chromium-driver`, or set "
              + SKIP_VARIABLE
              + "=1 to skip these tests.");
    }
    // Selenium Manager would otherwise be asked to find (and possibly fetch) a driver.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    System.setProperty("SE_OFFLINE", "true");
  }

  Browser(URI base, Dimension size) {
    this.base = base;
    try {
      this.profile = Files.createTempDirectory("harmont-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=" + size.getWidth() + "," + size.getHeight(),
        "--user-data-dir=" + profile);
    // One chromedriver per browser: quitting a driver stops its service.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    this.driver = new ChromeDriver(service, options);
    this.wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    // The Copy button writes to the clipboard; a headless browser asks nobody, so grant it.
    driver.executeCdpCommand(
        "Browser.grantPermissions",
        Map.of(
            "origin",
            base.toString().replaceAll("/$", ""),
            "permissions",
            List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
  }

  /**
   * A phone's viewport, {@code width} CSS pixels wide (a desktop window cannot be made narrower
   * than 500 px).
   */
  void phone(int width, int height) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
  }

  ChromeDriver driver() {
    return driver;
  }

  void open(String path) {
    driver.get(base.resolve(path).toString());
  }

  /** The control a {@code <label>} with exactly this text points at. */
  WebElement field(String label) {
    WebElement node =
        wait.until(
            ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//label[normalize-space(.)=" + literal(label) + "]")));
    String id = node.getDomAttribute("for");
    assertThat(id).as("label %s has a for attribute", label).isNotBlank();
    return driver.findElement(By.id(id));
  }

  /** A visible button with exactly this text. */
  WebElement button(String text) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(buttonLocator(text)));
  }

  /** A button with exactly this text, searched from the document or from an element. */
  static By buttonLocator(String text) {
    return By.xpath(".//button[normalize-space(.)=" + literal(text) + "]");
  }

  /** Waits for a heading with exactly this text. */
  WebElement heading(String text) {
    return wait.until(
        ExpectedConditions.visibilityOfElementLocated(
            By.xpath("//*[self::h1 or self::h2][normalize-space(.)=" + literal(text) + "]")));
  }

  /** Waits until some visible element's text contains {@code text}. */
  WebElement text(String text) {
    return wait.until(
        ExpectedConditions.visibilityOfElementLocated(
            By.xpath("//*[contains(normalize-space(.), " + literal(text) + ")][not(*)]")));
  }

  /** Waits until {@code condition} holds. */
  <T> T until(java.util.function.Function<org.openqa.selenium.WebDriver, T> condition) {
    return wait.until(condition::apply);
  }

  Object script(String js, Object... args) {
    return driver.executeScript(js, args);
  }

  /** The stored session, as the page keeps it. */
  String storedSession() {
    return (String) script("return localStorage.getItem('harmont.session');");
  }

  /** Every value the page keeps in its storage, and its whole DOM, as one text. */
  String everythingThePageKeeps() {
    return script(
            "const kept = [];"
                + "for (let i = 0; i < localStorage.length; i++) {"
                + "  kept.push(localStorage.key(i), localStorage.getItem(localStorage.key(i)));"
                + "}"
                + "for (let i = 0; i < sessionStorage.length; i++) {"
                + "  kept.push(sessionStorage.getItem(sessionStorage.key(i)));"
                + "}"
                + "const values = [...document.querySelectorAll('input')].map(i => i.value);"
                + "return kept.join('\\n') + document.documentElement.outerHTML + values.join('\\n')"
                + " + location.href;")
        .toString();
  }

  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Files.copy(
          shot.toPath(),
          SCREENSHOTS.resolve(name + ".png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String literal(String text) {
    if (!text.contains("'")) {
      return "'" + text + "'";
    }
    return "concat('" + text.replace("'", "', \"'\", '") + "')";
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var paths = Files.walk(profile)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temporary profile left behind is harmless.
      }
    }
  }
}
