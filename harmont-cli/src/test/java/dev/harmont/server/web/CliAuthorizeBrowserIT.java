package dev.harmont.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.FakeIssuer;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * {@code harmont login --web} end to end: the packaged CLI ({@code target/harmont.jar}) as a real
 * process with its real loopback listener, the real server, and Debian's headless Chromium driven
 * through the console's browser-test helper. The CLI "opens the browser" through {@code $BROWSER},
 * a script that hands the address to the test, which then drives Chromium there as a person would.
 * Screenshots of each state go to {@code target/screenshots/}.
 *
 * <p>In package {@code dev.harmont.server.web} for the console's {@code Browser} helper (from the
 * server's test jar).
 */
class CliAuthorizeBrowserIT {
  private static final Path JAR = Path.of("target", "harmont.jar");
  private static final String HOST = "e2e-host";
  private static final String CLIENT = "harmont CLI on " + HOST;

  private static TestServer server;

  @TempDir Path dir;

  private Browser browser;
  private TestUser user;
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    Browser.require();
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void openBrowser() {
    browser = new Browser(server.baseUri(), new Dimension(1100, 900));
    user = server.newUser();
  }

  @AfterEach
  void closeAll() {
    started.forEach(Process::destroyForcibly);
    browser.close();
  }

  private Path config() {
    return dir.resolve("config");
  }

  private Path credentials() {
    return config().resolve("harmont").resolve("credentials");
  }

  /** {@code harmont ARGS} from the packaged jar; stdout and stderr go to files under dir. */
  private Process harmont(String name, String... args) throws IOException {
    return harmontAt(server.baseUri().toString(), name, args);
  }

  /** {@code harmont ARGS} talking to the server at {@code apiUrl}. */
  private Process harmontAt(String apiUrl, String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("HARMONT_TOKEN");
    builder.environment().put("HARMONT_API_URL", apiUrl);
    builder.environment().put("XDG_CONFIG_HOME", config().toString());
    builder.environment().put("HOSTNAME", HOST);
    builder.environment().put("BROWSER", browserScript().toString());
    builder.redirectOutput(dir.resolve(name + ".out").toFile());
    builder.redirectError(dir.resolve(name + ".err").toFile());
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /** What the CLI runs to open the browser: it hands the address over to the test. */
  private Path browserScript() throws IOException {
    Path script = dir.resolve("open-browser");
    if (!Files.exists(script)) {
      Files.writeString(
          script, "#!/bin/sh\nprintf '%s\\n' \"$1\" > '" + dir.resolve("opened") + "'\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }
    return script;
  }

  private String stderr(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".err"));
  }

  private String stdout(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".out"));
  }

  /** Waits for {@code file} to hold a line matching the authorize address. */
  private String awaitAddress(Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith("http") && line.contains("/cli/authorize?")) {
            return line.strip();
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no authorize address in " + file);
  }

  private static int exit(Process process) throws InterruptedException {
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the CLI finished").isTrue();
    return process.exitValue();
  }

  private void signInWithKey() {
    browser.field("API key").sendKeys(user.token());
    browser.button("Sign in").click();
  }

  @Test
  void authorizingAfterSigningInLogsTheCliInWithANamedKey() throws Exception {
    Process login = harmont("login", "login", "--web");
    String address = awaitAddress(dir.resolve("opened"));
    assertThat(address).startsWith(server.baseUri().resolve("/cli/authorize?").toString());

    // Not signed in yet: the page asks first, then comes back to the request.
    browser.driver().get(address);
    browser.heading("Sign in");
    browser.screenshot("cli-authorize-1-sign-in-first");
    signInWithKey();
    browser.heading("Authorize the CLI");
    assertThat(browser.driver().findElement(By.cssSelector(".request")).getText())
        .isEqualTo(CLIENT + " wants to act as " + user.email() + ".");
    assertThat(browser.driver().getCurrentUrl()).isEqualTo(address);
    browser.screenshot("cli-authorize-2-request");

    browser.button("Authorize").click();
    browser.heading("harmont CLI signed in");
    assertThat(browser.driver().getCurrentUrl()).startsWith("http://127.0.0.1:");
    browser.screenshot("cli-authorize-3-back-in-the-cli");

    assertThat(exit(login)).as(stderr("login")).isZero();
    assertThat(stderr("login")).contains("Logged in as " + user.email());
    assertThat(Files.getPosixFilePermissions(credentials()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    Process whoami = harmont("whoami", "whoami");
    assertThat(exit(whoami)).isZero();
    assertThat(stdout("whoami")).contains(user.email());
    Process keys = harmont("keys", "keys", "list");
    assertThat(exit(keys)).isZero();
    assertThat(stdout("keys")).contains(CLIENT);
  }

  @Test
  void loginWebIsCompletedThroughSingleSignOn() throws Exception {
    try (FakeIssuer issuer = new FakeIssuer();
        TestServer sso =
            TestServer.start(
                Backend.SQLITE,
                config ->
                    config
                        .oidcIssuer(issuer.issuer())
                        .oidcClientId(FakeIssuer.CLIENT_ID)
                        .oidcClientSecret(FakeIssuer.CLIENT_SECRET))) {
      String email = "sso-" + java.util.UUID.randomUUID() + "@example.org";
      issuer.signInBrowserAs(new FakeIssuer.Person("sub-cli", email, true, "Cli Person"));
      browser.close();
      browser = new Browser(sso.baseUri(), new Dimension(1100, 900));

      Process login = harmontAt(sso.baseUri().toString(), "login", "login", "--web");
      String address = awaitAddress(dir.resolve("opened"));
      browser.driver().get(address);
      browser.heading("Sign in");
      browser.driver().findElement(By.linkText("Continue with Company SSO")).click();
      browser.heading("Authorize the CLI");
      assertThat(browser.driver().getCurrentUrl()).isEqualTo(address);
      browser.screenshot("cli-authorize-8-after-single-sign-on");
      browser.button("Authorize").click();
      browser.heading("harmont CLI signed in");

      assertThat(exit(login)).as(stderr("login")).isZero();
      assertThat(stderr("login")).contains("Logged in as " + email);
    }
  }

  @Test
  void loginWebIsCompletedWithAPasskey() throws Exception {
    // The console at localhost, the relying party (browsers refuse passkeys on an IP address), with
    // a platform authenticator; the autofill request is turned off so the button is what signs in.
    String localhost = server.server().relyingParty().origin();
    browser.close();
    browser = new Browser(java.net.URI.create(localhost + "/"), new Dimension(1100, 900));
    browser
        .driver()
        .executeCdpCommand(
            "Page.addScriptToEvaluateOnNewDocument",
            java.util.Map.of(
                "source",
                "PublicKeyCredential.isConditionalMediationAvailable = async () => false;"));
    ((org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator) browser.driver())
        .addVirtualAuthenticator(
            new org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions()
                .setProtocol(
                    org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions.Protocol
                        .CTAP2)
                .setTransport(
                    org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions.Transport
                        .INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true));
    // Once, with a key: add a passkey, then sign out.
    browser.open("/");
    signInWithKey();
    browser.button("Add passkey").click();
    browser.button("Save name").click();
    browser.button("Sign out").click();
    browser.heading("Sign in");

    Process login = harmontAt(localhost, "login", "login", "--web");
    String address = awaitAddress(dir.resolve("opened"));
    browser.driver().get(address);
    browser.heading("Sign in");
    browser.button("Sign in with a passkey").click();
    browser.heading("Authorize the CLI");
    browser.screenshot("cli-authorize-7-after-passkey");
    browser.button("Authorize").click();
    browser.heading("harmont CLI signed in");

    assertThat(exit(login)).as(stderr("login")).isZero();
    assertThat(stderr("login")).contains("Logged in as " + user.email());
    Process whoami = harmontAt(localhost, "whoami", "whoami");
    assertThat(exit(whoami)).isZero();
    assertThat(stdout("whoami")).contains(user.email());
  }

  @Test
  void cancellingSavesNothingAndTheCliSaysSo() throws Exception {
    browser.open("/");
    signInWithKey();
    browser.heading("Profile");
    Process login = harmont("login", "login", "--web");
    browser.driver().get(awaitAddress(dir.resolve("opened")));
    browser.heading("Authorize the CLI");

    browser.button("Cancel").click();
    browser.heading("Sign-in cancelled");
    browser.screenshot("cli-authorize-4-cancelled");

    assertThat(exit(login)).isNotZero();
    assertThat(stderr("login")).contains("authorization was cancelled in the browser");
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void pasteModeShowsTheCodeToCopyIntoTheCli() throws Exception {
    browser.open("/");
    signInWithKey();
    browser.heading("Profile");
    Process login = harmont("paste", "login", "--web", "--paste");
    // No browser is opened in paste mode: the person copies the address from the terminal.
    String address = awaitAddress(dir.resolve("paste.err"));
    assertThat(address).contains("mode=paste").doesNotContain("redirect_uri");
    assertThat(Files.exists(dir.resolve("opened"))).isFalse();
    browser.driver().get(address);

    browser.button("Authorize").click();
    String code = browser.field("One-time code").getDomProperty("value");
    assertThat(code).matches("[A-Za-z0-9_-]{43}");
    browser.button("Copy").click();
    browser.text("Copied.");
    browser.screenshot("cli-authorize-5-paste-code");
    try (OutputStream in = login.getOutputStream()) {
      in.write((code + "\n").getBytes(StandardCharsets.UTF_8));
    }

    assertThat(exit(login)).as(stderr("paste")).isZero();
    assertThat(stderr("paste")).contains("Logged in as " + user.email());
    Process keys = harmont("keys", "keys", "list");
    assertThat(exit(keys)).isZero();
    assertThat(stdout("keys")).contains(CLIENT);
  }

  /**
   * Cancel in paste mode reaches the CLI waiting at its prompt (stdin kept open, nothing pasted):
   * the page tells the server, the CLI learns it from its verifier and exits non-zero.
   */
  @Test
  void cancelInPasteModeEndsTheWaitingCliWithANonZeroExit() throws Exception {
    browser.open("/");
    signInWithKey();
    browser.heading("Profile");
    Process login = harmont("paste-cancel", "login", "--web", "--paste");
    browser.driver().get(awaitAddress(dir.resolve("paste-cancel.err")));
    browser.heading("Authorize the CLI");

    browser.button("Cancel").click();
    browser.text("Cancelled: the CLI was not authorized and has stopped waiting.");
    browser.screenshot("cli-authorize-8-paste-cancelled");
    browser.phone(390, 844);
    browser.screenshot("cli-authorize-8-paste-cancelled-390px");

    // Its stdin stays open (this test holds the pipe): only the Cancel can end the wait.
    assertThat(exit(login)).as(stderr("paste-cancel")).isNotZero();
    assertThat(stderr("paste-cancel")).contains("authorization was cancelled in the browser");
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void aRequestThatWouldSendTheCodeElsewhereIsRefusedByThePage() {
    browser.open("/");
    signInWithKey();
    browser.heading("Profile");

    browser.open(
        "/cli/authorize?redirect_uri=https%3A%2F%2Fevil.example%2Fcb"
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
            + "&code_challenge_method=S256&state=s&client_name=harmont%20CLI");

    browser.text("This authorization request is not valid.");
    assertThat(browser.driver().findElements(Browser.buttonLocator("Authorize"))).isEmpty();
    assertThat(browser.driver().findElements(Browser.buttonLocator("Cancel"))).isEmpty();
    browser.screenshot("cli-authorize-6-refused");
  }
}
