package dev.harmont.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Single sign-on against a real Keycloak (Maven Central's {@code keycloak-quarkus-dist}, unpacked
 * into {@code target/keycloak} by the build, started once for the class with {@code kc.sh
 * start-dev} and the realm of {@code src/test/resources/keycloak}), driven through Debian's
 * Chromium: Continue with Company SSO → Keycloak's own login and consent pages → back in the
 * console, signed in. The tests run in order on one Keycloak: later ones disable a user and rotate
 * the realm's signing key. Skipped (not passed) with {@value #SKIP_VARIABLE}{@code =1}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakBrowserTest {
  static final String SKIP_VARIABLE = "HARMONT_SKIP_KEYCLOAK_TESTS";
  private static final Duration KEYCLOAK_START = Duration.ofMinutes(4);
  private static final String CLIENT_SECRET = "keycloak-test-client-secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private Process keycloak;
  private String keycloakUrl;
  private TestServer server;
  private Api api;
  private Browser browser;

  private static boolean skipped() {
    return "1".equals(System.getenv(SKIP_VARIABLE)) || Browser.skipped();
  }

  @BeforeAll
  void startKeycloakAndServer() throws Exception {
    if (skipped()) {
      return;
    }
    int keycloakPort = freePort();
    int serverPort = freePort();
    keycloakUrl = "http://localhost:" + keycloakPort;
    Path home = keycloakHome();
    Path data = home.resolve("data");
    deleteTree(data);
    Files.createDirectories(data.resolve("import"));
    String realm;
    try (InputStream in = getClass().getResourceAsStream("/keycloak/harmont-realm.json")) {
      realm = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Files.writeString(
        data.resolve("import").resolve("harmont-realm.json"),
        realm.replace(
            "@REDIRECT_URI@", "http://localhost:" + serverPort + "/api/v0/auth/oidc/callback"));
    ProcessBuilder builder =
        new ProcessBuilder(
                home.resolve("bin").resolve("kc.sh").toString(),
                "start-dev",
                "--http-port=" + keycloakPort,
                "--http-management-port=" + freePort(),
                "--import-realm")
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "keycloak.log").toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-password");
    keycloak = builder.start();
    waitForRealm();
    server =
        TestServer.start(
            Backend.SQLITE,
            config ->
                config
                    .port(serverPort)
                    .publicUrl("http://localhost:" + serverPort)
                    .oidcIssuer(keycloakUrl + "/realms/harmont")
                    .oidcClientId("harmont")
                    .oidcClientSecret(CLIENT_SECRET));
    api = new Api(server.baseUri());
  }

  @AfterAll
  void stopAll() {
    if (server != null) {
      server.close();
    }
    if (keycloak != null) {
      keycloak.descendants().forEach(ProcessHandle::destroy);
      keycloak.destroy();
    }
  }

  @BeforeEach
  void openBrowser() {
    if (skipped()) {
      String reason =
          SKIP_VARIABLE
              + "=1 (or "
              + Browser.SKIP_VARIABLE
              + "=1): the Keycloak single sign-on tests are skipped (not run, not passed).";
      System.err.println(reason);
      Assumptions.abort(reason);
    }
    Browser.require();
    browser =
        new Browser(
            URI.create("http://localhost:" + server.server().port() + "/"),
            new Dimension(1280, 1100));
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private static Path keycloakHome() throws IOException {
    try (Stream<Path> dirs = Files.list(Path.of("target", "keycloak"))) {
      return dirs.filter(p -> p.getFileName().toString().startsWith("keycloak-"))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "target/keycloak holds no Keycloak: the build unpacks it at"
                          + " process-test-resources (or set "
                          + SKIP_VARIABLE
                          + "=1)"))
          .toAbsolutePath();
    }
  }

  private void waitForRealm() throws InterruptedException {
    Instant deadline = Instant.now().plus(KEYCLOAK_START);
    URI discovery = URI.create(keycloakUrl + "/realms/harmont/.well-known/openid-configuration");
    while (Instant.now().isBefore(deadline)) {
      if (!keycloak.isAlive()) {
        throw new AssertionError("Keycloak exited; see target/keycloak.log");
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(discovery).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("Keycloak did not start within " + KEYCLOAK_START);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  // ---- The browser at Keycloak ----

  /** Presses Continue with Company SSO on the sign-in page and signs in at Keycloak. */
  private void continueAtKeycloak(String username, String password) {
    browser.open("/");
    browser
        .until(ExpectedConditions.elementToBeClickable(By.linkText("Continue with Company SSO")))
        .click();
    browser.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
    assertThat(browser.driver().getCurrentUrl()).startsWith(keycloakUrl + "/realms/harmont/");
    browser.driver().findElement(By.id("username")).sendKeys(username);
    browser.driver().findElement(By.id("password")).sendKeys(password);
    browser.driver().findElement(By.id("kc-login")).click();
  }

  /** Keycloak's consent page, when it shows (the first sign-in of a user): Yes or No. */
  private void consent(boolean yes) {
    browser.until(
        d ->
            d.getCurrentUrl().startsWith(browser.base.toString())
                || !d.findElements(By.id("kc-cancel")).isEmpty());
    if (!browser.driver().findElements(By.id("kc-cancel")).isEmpty()) {
      browser.driver().findElement(By.id(yes ? "kc-login" : "kc-cancel")).click();
    }
  }

  private String signedInEmail() {
    browser.heading("Connected accounts");
    return browser.driver().findElement(By.cssSelector("#account .who")).getText();
  }

  /** The session the page keeps ({token, expires_at} in localStorage). */
  private String sessionToken() {
    try {
      return JSON.readTree(browser.storedSession()).get("token").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String signedInUuid() {
    return api.get("/api/v0/user", sessionToken()).json().get("uuid").asText();
  }

  // ---- Keycloak's admin REST API ----

  private String adminToken() throws Exception {
    String form =
        "grant_type=password&client_id=admin-cli&username=admin&password="
            + URLEncoder.encode("admin-password", StandardCharsets.UTF_8);
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(keycloakUrl + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).get("access_token").asText();
  }

  private JsonNode admin(String method, String path, Object body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(keycloakUrl + "/admin/realms/harmont" + path))
            .header("Authorization", "Bearer " + adminToken())
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isLessThan(300);
    return response.body().isEmpty() ? null : JSON.readTree(response.body());
  }

  // ---- The tests, in order ----

  @Test
  @Order(1)
  void continueWithCompanySsoCreatesTheAccountAndSignsIn() {
    browser.open("/");
    browser.until(
        ExpectedConditions.visibilityOfElementLocated(By.linkText("Continue with Company SSO")));
    browser.screenshot("60-sso-sign-in-page");

    continueAtKeycloak("ada", "ada-password");
    browser.screenshot("61-sso-keycloak-consent");
    consent(true);

    assertThat(signedInEmail()).isEqualTo("ada@keycloak.example");
    browser.text("Company SSO");
    browser.screenshot("62-sso-signed-in-connected-accounts");
    assertThat(browser.driver().getCurrentUrl()).doesNotContain("sso=");
  }

  @Test
  @Order(2)
  void theSecondSignInFindsTheSameAccount() {
    continueAtKeycloak("ada", "ada-password");
    consent(true);
    signedInEmail();
    String uuid = signedInUuid();

    String email = server.server().accounts().userByEmail("ada@keycloak.example").id().toString();

    assertThat(uuid).isEqualTo(email);
    JsonNode identities =
        api.get("/api/v0/user/identities", sessionToken()).json().get("identities");
    assertThat(identities).hasSize(1);
    assertThat(identities.get(0).get("last_used_at").isNull()).isFalse();
  }

  @Test
  @Order(3)
  void aVerifiedAddressLinksTheAccountThatHasIt() {
    TestUser grace = server.newUser("grace@keycloak.example", "Grace Hopper");

    continueAtKeycloak("grace", "grace-password");
    consent(true);

    assertThat(signedInEmail()).isEqualTo(grace.email());
    assertThat(signedInUuid()).isEqualTo(grace.id().toString());
  }

  @Test
  @Order(4)
  void anUnverifiedAddressIsRefusedWithItsCode() {
    continueAtKeycloak("mallory", "mallory-password");
    consent(true);

    browser.text("does not say that your email address is verified");
    assertThat(browser.text("sso_email_unverified").getText()).isEqualTo("sso_email_unverified");
    browser.screenshot("63-sso-unverified-refused");
    browser.phone(390, 844);
    browser.screenshot("64-sso-unverified-refused-390");
    assertThat(browser.storedSession()).isNull();
    assertThat(server.server().accounts().hasAnyUser()).isTrue();
    assertThat(
            server.server().database().users().findByEmail("mallory@keycloak.example").isPresent())
        .isFalse();
  }

  @Test
  @Order(5)
  void cancellingAtKeycloakExplainsItself() {
    continueAtKeycloak("carol", "carol-password");
    consent(false);

    browser.text("cancelled or refused at the identity provider");
    browser.text("sso_access_denied");
    browser.screenshot("65-sso-cancelled");
    assertThat(server.server().database().users().findByEmail("carol@keycloak.example")).isEmpty();
  }

  @Test
  @Order(6)
  void connectedAccountsOnAPhoneRefuseToDisconnectTheLastWayIn() {
    browser.phone(390, 844);
    continueAtKeycloak("ada", "ada-password");
    consent(true);
    signedInEmail();
    browser.script("document.getElementById('connected-accounts').scrollIntoView()");
    browser.screenshot("66-sso-connected-accounts-390");

    browser.button("Disconnect").click();
    browser.button("Confirm disconnect").click();

    browser.text("last way to sign in");
    browser.screenshot("67-sso-disconnect-refused-390");
  }

  @Test
  @Order(7)
  void aUserDisabledInKeycloakCannotSignInAgain() throws Exception {
    JsonNode users = admin("GET", "/users?username=ada&exact=true", null);
    String id = users.get(0).get("id").asText();
    ObjectNode disabled = JSON.createObjectNode().put("enabled", false);
    admin("PUT", "/users/" + id, disabled);

    continueAtKeycloak("ada", "ada-password");

    browser.until(
        ExpectedConditions.or(
            ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "disabled"),
            ExpectedConditions.textToBePresentInElementLocated(
                By.tagName("body"), "Invalid username or password")));
    assertThat(browser.driver().getCurrentUrl()).startsWith(keycloakUrl);
    assertThat(browser.storedSession()).isNull();
    browser.screenshot("68-sso-disabled-at-keycloak");
  }

  @Test
  @Order(8)
  void aSigningKeyRotatedWhileTheServerRunsIsFetched() throws Exception {
    String realmId = admin("GET", "", null).get("id").asText();
    JsonNode providers = admin("GET", "/components?type=org.keycloak.keys.KeyProvider", null);
    ObjectNode rotated = JSON.createObjectNode();
    rotated.put("name", "rsa-rotated");
    rotated.put("providerId", "rsa-generated");
    rotated.put("providerType", "org.keycloak.keys.KeyProvider");
    rotated.put("parentId", realmId);
    ObjectNode config = rotated.putObject("config");
    config.putArray("priority").add("500");
    config.putArray("enabled").add("true");
    config.putArray("active").add("true");
    config.putArray("algorithm").add("RS256");
    admin("POST", "/components", rotated);
    for (JsonNode provider : providers) {
      if ("rsa-generated".equals(provider.path("providerId").asText())) {
        ObjectNode old = (ObjectNode) provider;
        ObjectNode oldConfig = (ObjectNode) old.get("config");
        oldConfig.putArray("active").add("false");
        admin("PUT", "/components/" + old.get("id").asText(), old);
      }
    }

    continueAtKeycloak("grace", "grace-password");
    consent(true);

    assertThat(signedInEmail()).isEqualTo("grace@keycloak.example");
  }
}
