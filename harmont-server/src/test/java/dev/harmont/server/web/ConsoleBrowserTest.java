package dev.harmont.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real browser (Debian's headless Chromium), against the real server on
 * SQLite: every flow of issue #12, found by the labels a person reads. Each state is saved as a PNG
 * under {@code target/screenshots/}. The API suites cover PostgreSQL; the console only uses the
 * API, so running these again there would double their time and test nothing new.
 */
class ConsoleBrowserTest {
  private static final String USER = "/api/v0/user";
  private static final String TOKENS = "/api/v0/user/api-tokens";

  private static TestServer server;

  private Browser browser;
  private Api api;

  @BeforeAll
  static void startServer() {
    if (!Browser.skipped()) {
      server = TestServer.start();
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void openBrowser() {
    Browser.require(); // per test, so that a skip is reported for each test with its reason
    browser = new Browser(server.baseUri(), new Dimension(1280, 1400));
    api = new Api(server.baseUri());
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private TestUser signIn() {
    return signIn(server.newUser());
  }

  private TestUser signIn(TestUser user) {
    browser.open("/");
    browser.field("API key").sendKeys(user.token());
    browser.button("Sign in").click();
    browser.heading("Profile");
    return user;
  }

  private String sessionToken() {
    String stored = browser.storedSession();
    assertThat(stored).isNotNull();
    return stored.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
  }

  @Test
  void signingInWithAKeyKeepsOnlyTheSessionAndRenamesWithInlineErrors() {
    browser.open("/");
    browser.heading("Sign in");
    browser.screenshot("01-sign-in");
    TestUser ada = server.newUser();

    browser.field("API key").sendKeys(ada.token());
    browser.button("Sign in").click();
    browser.heading("Profile");
    browser.heading("API keys");
    browser.heading("Delete account");
    browser.button("Sign out");
    browser.text(ada.email());
    browser.text(ada.id().toString());
    browser.screenshot("02-console");

    assertThat(browser.everythingThePageKeeps()).doesNotContain(ada.token());
    String session = sessionToken();
    assertThat(session).isNotBlank().isNotEqualTo(ada.token());
    assertThat(api.get(USER, session).status()).isEqualTo(200);

    WebElement name = browser.field("Display name");
    assertThat(name.getDomProperty("value")).isEqualTo(ada.name());
    name.clear();
    name.sendKeys("Ada King");
    browser.button("Save").click();
    browser.text("Saved.");
    assertThat(api.get(USER, ada.token()).json().get("name").asText()).isEqualTo("Ada King");

    name.clear();
    name.sendKeys("   ");
    browser.button("Save").click();
    WebElement error = browser.text("Display name must be between 1 and 255 characters.");
    browser.text("user_name_invalid");
    WebElement doc = browser.driver().findElement(By.linkText("What this means"));
    assertThat(doc.getDomAttribute("href"))
        .isEqualTo(server.baseUri() + "/docs/errors/user_name_invalid");
    assertThat(error.isDisplayed()).isTrue();
    assertThat(name.getDomAttribute("aria-invalid")).isEqualTo("true");
    browser.screenshot("03-rename-error");
    assertThat(api.get(USER, ada.token()).json().get("name").asText()).isEqualTo("Ada King");
  }

  @Test
  void createCopyAndRevokeAKeyAndTheSecretIsGoneAfterAReload() {
    TestUser ada = signIn();

    browser.field("Description").sendKeys("Laptop CLI");
    new Select(browser.field("Expires")).selectByVisibleText("30 days");
    browser.button("Create key").click();
    WebElement secret = browser.field("New API key");
    String key = secret.getDomProperty("value");
    assertThat(key).matches("hm_[0-9A-Za-z]{49}");
    assertThat(secret.getDomProperty("readOnly")).isEqualTo("true");
    browser.text("it will not be shown again");
    assertThat(api.get(USER, key).status()).isEqualTo(200);

    browser.button("Copy").click();
    browser.text("Copied.");
    Object clipboard =
        browser.driver().executeAsyncScript("navigator.clipboard.readText().then(arguments[0]);");
    assertThat(clipboard).isEqualTo(key);

    WebElement row = browser.text("Laptop CLI").findElement(By.xpath("ancestor::tr"));
    WebElement expires = row.findElement(By.cssSelector("td[data-label='Expires'] time"));
    assertThat(expires.getText()).isEqualTo("in 30 days");
    assertThat(expires.getDomAttribute("title"))
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
    List<String> descriptions =
        browser.driver().findElements(By.cssSelector("td[data-label='Description']")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(descriptions).first().isEqualTo("Laptop CLI"); // newest first
    browser.screenshot("04-key-created");

    new Select(browser.field("Expires")).selectByVisibleText("On a date…");
    WebElement date = browser.field("Expiry date");
    browser.script("arguments[0].value = '2099-01-31';", date);
    browser.field("Description").sendKeys("Until 2099");
    browser.button("Create key").click();
    browser.text("Until 2099");
    JsonAssert.keyWithDescription(
        api.get(TOKENS, ada.token()), "Until 2099", "2099-01-31T23:59:59Z");

    row = browser.text("Laptop CLI").findElement(By.xpath("ancestor::tr"));
    row.findElement(Browser.buttonLocator("Revoke")).click();
    browser.screenshot("05-confirm-revoke");
    row.findElement(Browser.buttonLocator("Confirm revoke")).click();
    browser.until(d -> d.findElements(By.xpath("//td[normalize-space(.)='Laptop CLI']")).isEmpty());
    assertThat(api.get(USER, key).status()).isEqualTo(401);

    browser.driver().navigate().refresh();
    browser.heading("API keys");
    browser.text("Until 2099");
    assertThat(browser.driver().findElements(By.xpath("//label[normalize-space(.)='New API key']")))
        .isEmpty();
    assertThat(browser.everythingThePageKeeps()).doesNotContain(key);
    browser.screenshot("06-after-reload");
  }

  @Test
  void keysShowTheirHintRotateWithAGracePeriodAndTheSecurityLogShowsIt() {
    TestUser ada = signIn();
    String admin = "Created by harmont admin";
    By keyCell = By.cssSelector("td[data-label='Key']");
    WebElement row = browser.text(admin).findElement(By.xpath("ancestor::tr"));
    assertThat(row.findElement(keyCell).getText()).isEqualTo("hm_…" + ada.token().substring(48));

    row.findElement(Browser.buttonLocator("Rotate")).click();
    new Select(browser.field("Old key keeps working")).selectByVisibleText("For 10 minutes");
    browser.screenshot("17-confirm-rotate");
    browser.button("Confirm rotate").click();
    String fresh = browser.field("New API key").getDomProperty("value");

    assertThat(fresh).matches("hm_[0-9A-Za-z]{49}");
    browser.text("it will not be shown again");
    browser.until(
        d ->
            d.findElement(By.xpath("//td[normalize-space(.)=" + "'" + admin + "']/ancestor::tr"))
                .findElement(keyCell)
                .getText()
                .equals("hm_…" + fresh.substring(48)));
    assertThat(api.get(USER, fresh).status()).isEqualTo(200);
    assertThat(api.get(USER, ada.token()).status()).as("in its grace period").isEqualTo(200);

    browser.heading("Security log");
    browser.button("Refresh").click();
    WebElement rotated = browser.text("api_token.rotated").findElement(By.xpath("ancestor::tr"));
    assertThat(rotated.getText()).contains("Key rotated").contains("127.0.0.1");
    browser.text("Signed in"); // the console's own sign-in: session.created
    String requestId =
        api.get("/api/v0/user/events?limit=1", fresh).json().at("/events/0/request_id").asText();
    assertThat(rotated.findElement(By.cssSelector("td[data-label='Request']")).getText())
        .isEqualTo(requestId);
    browser.screenshot("18-security-log");

    browser.driver().navigate().refresh();
    browser.heading("Security log");
    assertThat(browser.everythingThePageKeeps()).doesNotContain(fresh);
  }

  /** User agents as clients send them, and the name the security log gives each. */
  private static final Map<String, String> CLIENTS = clients();

  private static Map<String, String> clients() {
    Map<String, String> clients = new LinkedHashMap<>();
    clients.put(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Firefox 128 on Windows");
    clients.put(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/156.0.0.0 Safari/537.36",
        "Chrome 156 on Linux");
    clients.put(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chromium/120.0.6099.224 Chrome/120.0.6099.224 Safari/537.36",
        "Chromium 120 on Linux");
    clients.put(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
        "Edge 120 on Windows");
    clients.put(
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/156.0.0.0 Mobile Safari/537.36",
        "Chrome 156 on Android");
    clients.put(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Safari 17 on iOS");
    clients.put(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        "Safari 17 on macOS");
    clients.put("curl/8.5.0", "curl 8.5.0");
    clients.put("harmont-cloud-java/0.1.0 Java/25", "harmont CLI/SDK 0.1.0");
    clients.put("my-app/1.2 harmont-cloud-java/0.1.0 Java/25", "my-app 1.2 via harmont SDK");
    clients.put("python-requests/2.31.0", "python-requests 2.31.0");
    clients.put("x".repeat(256), "x".repeat(39) + "…");
    return clients;
  }

  /** One security event per client of {@link #CLIENTS}: a rename sent with its User-Agent. */
  private void renameFromEachClient(TestUser user) {
    int n = 0;
    for (String userAgent : CLIENTS.keySet()) {
      HttpRequest.Builder rename =
          api.request(USER)
              .header("Authorization", "Bearer " + user.token())
              .header("Content-Type", "application/json")
              .header("User-Agent", userAgent)
              .method(
                  "PATCH", HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada " + ++n + "\"}"));
      assertThat(api.send(rename).status()).isEqualTo(200);
    }
  }

  /** The security log's Client cells: each full User-Agent and the text shown for it. */
  private Map<String, String> clientCells() {
    browser.heading("Security log");
    List<WebElement> cells =
        browser.until(
            d -> {
              List<WebElement> found = d.findElements(By.cssSelector("td[data-label='Client']"));
              return found.size() > CLIENTS.size() ? found : null;
            });
    Map<String, String> shown = new LinkedHashMap<>();
    for (WebElement cell : cells) {
      List<WebElement> summary = cell.findElements(By.tagName("summary"));
      String full = summary.isEmpty() ? cell.getText() : summary.get(0).getDomAttribute("title");
      shown.put(full, cell.getText());
    }
    return shown;
  }

  private WebElement clientCell(String userAgent) {
    return browser.driver().findElements(By.cssSelector("td[data-label='Client']")).stream()
        .filter(
            td ->
                td.findElements(By.tagName("summary")).stream()
                    .anyMatch(s -> userAgent.equals(s.getDomAttribute("title"))))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Client cell for " + userAgent));
  }

  @Test
  void theSecurityLogNamesEachClientAndShowsItsWholeUserAgentWhenAsked() {
    TestUser ada = server.newUser();
    renameFromEachClient(ada);
    signIn(ada);

    Map<String, String> shown = clientCells();
    assertThat(shown).containsAllEntriesOf(CLIENTS);
    assertThat(shown).containsEntry("harmont admin", "harmont admin"); // the operator's key
    String ours = (String) browser.script("return navigator.userAgent;");
    assertThat(shown.get(ours))
        .as("the console's own sign-in")
        .matches("(Headless )?Chrome \\d+ on Linux");
    browser.script("document.getElementById('events-heading').scrollIntoView();");
    browser.screenshot("19-security-log-clients");

    String firefox = CLIENTS.keySet().iterator().next();
    WebElement cell = clientCell(firefox);
    WebElement full = cell.findElement(By.cssSelector(".user-agent"));
    assertThat(full.isDisplayed()).isFalse();
    cell.findElement(By.tagName("summary")).click();
    browser.until(d -> full.isDisplayed());
    assertThat(full.getText()).isEqualTo(firefox);
    assertThat(cell.getText()).startsWith("Firefox 128 on Windows").endsWith(firefox);
    assertThat(seriousViolations()).as("security log with a user agent shown").isEmpty();
    browser.screenshot("20-security-log-user-agent");
  }

  @Test
  void atThreeHundredNinetyPixelsTheSecurityLogIsCardsAndNothingScrollsSideways() {
    browser.phone(390, 1500);
    TestUser ada = server.newUser();
    renameFromEachClient(ada);
    signIn(ada);

    Map<String, String> shown = clientCells();
    assertThat(shown).containsAllEntriesOf(CLIENTS);
    WebElement row =
        clientCell(CLIENTS.keySet().iterator().next()).findElement(By.xpath("ancestor::tr"));
    assertThat(row.getCssValue("display")).as("a row is a card").isEqualTo("block");
    assertNoHorizontalScroll();
    browser.script("document.getElementById('events-heading').scrollIntoView();");
    browser.screenshot("21-narrow-security-log");

    String longest = "x".repeat(256);
    WebElement cell = clientCell(longest);
    cell.findElement(By.tagName("summary")).click();
    WebElement full = cell.findElement(By.cssSelector(".user-agent"));
    browser.until(d -> full.isDisplayed());
    assertThat(full.getText()).isEqualTo(longest);
    assertNoHorizontalScroll();
    browser.script("arguments[0].scrollIntoView();", cell);
    browser.screenshot("22-narrow-security-log-user-agent");
  }

  @Test
  void aSecondTabIsSignedInAndSigningOutSignsOutEveryTab() {
    TestUser ada = signIn();
    String session = sessionToken();
    String first = browser.driver().getWindowHandle();

    browser.driver().switchTo().newWindow(WindowType.TAB);
    browser.open("/");
    browser.heading("Profile");
    browser.button("Sign out").click();
    browser.heading("Sign in");
    browser.text("You are signed out.");

    browser.driver().switchTo().window(first);
    browser.heading("Sign in");
    browser.text("You signed out in another tab.");
    browser.screenshot("07-signed-out-in-another-tab");
    assertThat(browser.storedSession()).isNull();
    assertThat(api.get(USER, session).status()).isEqualTo(401);
    assertThat(api.get(USER, ada.token()).status()).isEqualTo(200);
  }

  @Test
  void aWrongKeyShowsTheApiErrorWithItsCodeAndDocLink() {
    browser.open("/");
    browser.field("API key").sendKeys("hm_" + "x".repeat(43));
    browser.button("Sign in").click();

    browser.text("Missing or invalid bearer token.");
    browser.text("unauthorized");
    assertThat(browser.driver().findElement(By.linkText("What this means")).getDomAttribute("href"))
        .isEqualTo(server.baseUri() + "/docs/errors/unauthorized");
    assertThat(browser.field("API key").getDomProperty("value")).isEmpty();
    assertThat(browser.storedSession()).isNull();
    browser.screenshot("08-wrong-key");
  }

  @Test
  void anUnreachableServerIsShownWhereTheActionWasTakenWithoutADocLink() {
    signIn();
    browser.driver().executeCdpCommand("Network.enable", Map.of());
    browser
        .driver()
        .executeCdpCommand(
            "Network.emulateNetworkConditions",
            Map.of(
                "offline", true, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));

    browser.button("Save").click();

    browser.text("The server could not be reached. Check your connection and try again.");
    browser.text("network_error");
    assertThat(browser.driver().findElements(By.linkText("What this means"))).isEmpty();
    assertThat(browser.button("Save").isEnabled()).isTrue();
    browser.screenshot("23-network-error");
  }

  @Test
  void aSignInLinkWorksOnceAndLeavesTheAddressBarAtOnce() {
    TestUser ada = server.newUser();
    String code = server.issueSignInLink(ada);

    long before = (Long) browser.script("return history.length;");
    browser.open("/sign-in#code=" + code);
    browser.heading("Profile");
    browser.text(ada.email());
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(server.baseUri() + "/");
    assertThat(browser.everythingThePageKeeps()).doesNotContain(code);
    // One entry for the visit, replaced in place: Back cannot bring the code back either.
    assertThat((Long) browser.script("return history.length;")).isEqualTo(before + 1);
    browser.screenshot("09-signed-in-by-link");

    browser.button("Sign out").click();
    browser.heading("Sign in");
    browser.open("/sign-in#code=" + code);
    browser.text("This sign-in link is invalid, already used or expired.");
    browser.text("sign_in_link_invalid");
    assertThat(browser.driver().getCurrentUrl()).doesNotContain(code);
    browser.screenshot("10-spent-link");
  }

  @Test
  void signingInComesBackToThePathAndQueryItStartedOn() {
    TestUser ada = server.newUser();
    browser.open("/cli/authorize?state=abc");
    browser.field("API key").sendKeys(ada.token());
    browser.button("Sign in").click();
    browser.button("Sign out");

    assertThat(browser.driver().getCurrentUrl())
        .isEqualTo(server.baseUri() + "/cli/authorize?state=abc");
  }

  @Test
  void anEndedSessionReturnsToTheSignInFormWithAMessage() {
    signIn();
    assertThat(api.post("/api/v0/auth/logout", sessionToken(), null).status()).isEqualTo(204);

    browser.button("Save").click();

    browser.heading("Sign in");
    browser.text("Your session has ended. Sign in again.");
    assertThat(browser.storedSession()).isNull();
    browser.screenshot("11-session-ended");
  }

  @Test
  void deletingTheAccountNeedsTheEmailTypedAndEndsAtTheSignInForm() {
    TestUser ada = signIn();
    WebElement confirm = browser.field("Type your email to confirm");
    WebElement delete = browser.button("Delete account");
    assertThat(delete.isEnabled()).isFalse();

    confirm.sendKeys("someone@else.org");
    assertThat(delete.isEnabled()).isFalse();
    confirm.clear();
    confirm.sendKeys(ada.email());
    browser.until(d -> delete.isEnabled());
    browser.screenshot("12-delete-confirmed");
    delete.click();

    browser.heading("Sign in");
    browser.text("Your account was deleted.");
    assertThat(api.get(USER, ada.token()).status()).isEqualTo(401);
    browser.screenshot("13-account-deleted");
  }

  @Test
  void aDescriptionWithMarkupShowsLiterally() {
    TestUser ada = server.newUser();
    String hostile = "<img src=x onerror=\"document.title='pwned'\"><b>bold</b>";
    Response created =
        api.post(TOKENS, ada.token(), "{\"description\":" + JsonAssert.quote(hostile) + "}");
    assertThat(created.status()).isEqualTo(201);

    browser.open("/");
    browser.field("API key").sendKeys(ada.token());
    browser.button("Sign in").click();
    browser.heading("API keys");

    WebElement cell =
        browser.until(
            d ->
                d.findElements(By.cssSelector("td[data-label='Description']")).stream()
                    .filter(td -> td.getText().contains("onerror"))
                    .findFirst()
                    .orElse(null));
    assertThat(cell.getText()).isEqualTo(hostile);
    assertThat(browser.driver().findElements(By.cssSelector("main img, main b"))).isEmpty();
    assertThat(browser.driver().getTitle()).isEqualTo("Harmont");
    browser.screenshot("14-markup-as-text");
  }

  @Test
  void atThreeHundredNinetyPixelsNothingScrollsSideways() {
    browser.phone(390, 1500);
    browser.open("/");
    browser.heading("Sign in");
    assertNoHorizontalScroll();
    browser.screenshot("15-narrow-sign-in");

    TestUser ada = signIn();
    api.post(
        TOKENS,
        ada.token(),
        "{\"description\":\"a-very-long-description-without-any-space-"
            + "x".repeat(80)
            + "\",\"expires_at\":\"2099-01-01T00:00:00Z\"}");
    browser.field("Description").sendKeys("Phone");
    browser.button("Create key").click();
    browser.field("New API key");
    browser.driver().navigate().refresh();
    browser.heading("API keys");
    browser.text("Phone");
    browser.button("Create key").click();
    browser.field("New API key");
    assertNoHorizontalScroll();
    browser.script("document.getElementById('keys-heading').scrollIntoView();");
    browser.screenshot("16-narrow-console");
  }

  private void assertNoHorizontalScroll() {
    Long inner = (Long) browser.script("return window.innerWidth;");
    Long scroll = (Long) browser.script("return document.documentElement.scrollWidth;");
    assertThat(inner).isEqualTo(390L);
    assertThat(scroll).as("page width at %s px", inner).isLessThanOrEqualTo(inner);
  }

  @Test
  void axeFindsNoSeriousOrCriticalViolations() {
    browser.open("/");
    browser.heading("Sign in");
    assertThat(seriousViolations()).as("sign-in page").isEmpty();

    signIn();
    browser.text("Created by harmont admin"); // the key list has loaded
    browser.field("Description").sendKeys("axe");
    browser.button("Create key").click();
    browser.field("New API key");
    assertThat(seriousViolations()).as("console").isEmpty();

    browser.field("Display name").clear();
    browser.button("Save").click();
    browser.text("user_name_invalid");
    assertThat(seriousViolations()).as("console with an error").isEmpty();
  }

  private List<String> seriousViolations() {
    Results results = new AxeBuilder().analyze(browser.driver());
    assertThat(results.getPasses()).as("axe ran its rules").isNotEmpty();
    return results.getViolations().stream()
        .filter(rule -> List.of("serious", "critical").contains(rule.getImpact()))
        .map(ConsoleBrowserTest::describe)
        .collect(Collectors.toList());
  }

  private static String describe(Rule rule) {
    return rule.getId()
        + " ("
        + rule.getImpact()
        + "): "
        + rule.getHelp()
        + " at "
        + rule.getNodes().stream().map(n -> String.valueOf(n.getTarget())).toList();
  }
}
