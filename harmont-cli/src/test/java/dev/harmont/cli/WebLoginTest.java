package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harmont login --web} through the picocli factory, with its real loopback listener, against
 * the real server. The test plays the browser and the console page over HTTP: it reads the
 * authorize address the CLI opens, creates the grant with the user's session token as the page
 * does, and follows the redirect to the CLI's listener.
 */
class WebLoginTest {
  private static final String HOST = "test-host";
  private static TestServer server;

  @TempDir Path config;

  private final HttpClient http = HttpClient.newHttpClient();
  private TestUser user;
  private String session;
  private Api api;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void signedInBrowser() {
    user = server.newUser();
    session = server.issueSessionToken(user);
    api = new Api(server.baseUri());
  }

  private record Run(int exit, String out, String err) {}

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("HARMONT_API_URL", server.baseUri().toString());
    env.put("XDG_CONFIG_HOME", config.toString());
    env.put("HOSTNAME", HOST);
    return env;
  }

  private Run run(Browser browser, Terminal terminal, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Cli.create(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                env(),
                terminal,
                new BufferedReader(new StringReader(stdin)),
                browser)
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path credentials() {
    return config.resolve("harmont").resolve("credentials");
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> params = new HashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      params.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return params;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** What the console page does on Authorize: create the grant for the signed-in user. */
  private String authorize(Map<String, String> params, String challenge) {
    StringBuilder body =
        new StringBuilder("{\"code_challenge\":\"")
            .append(challenge)
            .append("\",\"code_challenge_method\":\"S256\",\"client_name\":\"")
            .append(params.get("client_name"))
            .append('"');
    if (params.containsKey("redirect_uri")) {
      body.append(",\"redirect_uri\":\"").append(params.get("redirect_uri")).append('"');
    }
    Api.Response created =
        api.post("/api/v0/auth/cli-grants", session, body.append('}').toString());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("code").asText();
  }

  private HttpResponse<String> visit(String url) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A browser that, once asked to open the authorize address, does {@code script} with its
   * parameters on another thread (the CLI answers the callback only after open returns) and keeps
   * the pages the listener answered.
   */
  private static final class ScriptedBrowser implements Browser {
    final Function<Map<String, String>, List<HttpResponse<String>>> script;
    final CompletableFuture<List<HttpResponse<String>>> pages = new CompletableFuture<>();
    volatile URI opened;

    ScriptedBrowser(Function<Map<String, String>, List<HttpResponse<String>>> script) {
      this.script = script;
    }

    @Override
    public boolean open(URI uri) {
      opened = uri;
      CompletableFuture.runAsync(
          () -> {
            try {
              pages.complete(script.apply(query(uri)));
            } catch (RuntimeException | AssertionError e) {
              pages.completeExceptionally(e);
            }
          });
      return true;
    }

    List<HttpResponse<String>> pages() throws Exception {
      return pages.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void authorizingInTheBrowserSavesANamedKeyAndIgnoresAForgedCallback() throws Exception {
    ScriptedBrowser browser =
        new ScriptedBrowser(
            p -> {
              String redirect = p.get("redirect_uri");
              HttpResponse<String> forged = visit(redirect + "?code=forged&state=not-the-state");
              String code = authorize(p, p.get("code_challenge"));
              HttpResponse<String> done =
                  visit(redirect + "?code=" + enc(code) + "&state=" + enc(p.get("state")));
              return List.of(forged, done);
            });

    Run login = run(browser, Terminal.none(), "", "login", "--web");

    assertThat(login.exit()).as(login.err()).isEqualTo(ExitCodes.OK);
    assertThat(login.err()).contains("Logged in as " + user.email());
    Map<String, String> params = query(browser.opened);
    assertThat(browser.opened.toString())
        .startsWith(server.baseUri().resolve("/cli/authorize?").toString());
    assertThat(params.get("code_challenge_method")).isEqualTo("S256");
    assertThat(params.get("client_name")).isEqualTo("harmont CLI on " + HOST);
    assertThat(browser.opened.getRawQuery()).contains("client_name=harmont%20CLI%20on%20" + HOST);
    assertThat(URI.create(params.get("redirect_uri")).getHost()).isEqualTo("127.0.0.1");
    assertThat(params).doesNotContainKey("mode");
    assertThat(login.err().lines()).contains(browser.opened.toString());
    List<HttpResponse<String>> pages = browser.pages();
    assertThat(pages.get(0).statusCode()).isEqualTo(400);
    assertThat(pages.get(1).statusCode()).isEqualTo(200);
    assertThat(pages.get(1).body()).contains("You can close this tab");

    assertThat(Files.getPosixFilePermissions(credentials()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    Run whoami = run(Browser.none(), Terminal.none(), "", "whoami");
    assertThat(whoami.exit()).isZero();
    assertThat(whoami.out()).contains(user.email());
    Run keys = run(Browser.none(), Terminal.none(), "", "keys", "list");
    assertThat(keys.out()).contains("harmont CLI on " + HOST);
    String saved = Files.readString(credentials());
    assertThat(login.out() + login.err() + keys.out()).doesNotContain(tokenIn(saved));
    // The listener is gone.
    assertThat(
            CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        visit(params.get("redirect_uri") + "?code=x&state=" + params.get("state"));
                        return "answered";
                      } catch (IllegalStateException e) {
                        return "closed";
                      }
                    })
                .get(30, TimeUnit.SECONDS))
        .isEqualTo("closed");
  }

  private static String tokenIn(String credentialsFile) {
    return credentialsFile
        .lines()
        .filter(l -> l.startsWith("token="))
        .findFirst()
        .orElseThrow()
        .substring("token=".length());
  }

  @Test
  void cancellingInTheBrowserSavesNothing() throws Exception {
    ScriptedBrowser browser =
        new ScriptedBrowser(
            p ->
                List.of(
                    visit(
                        p.get("redirect_uri")
                            + "?error=access_denied&state="
                            + enc(p.get("state")))));

    Run login = run(browser, Terminal.none(), "", "login", "--web");

    assertThat(login.exit()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(login.err()).contains("harmont: authorization was cancelled in the browser");
    assertThat(browser.pages().get(0).body()).contains("cancelled");
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void aCodeThatDoesNotMatchTheVerifierIsRefusedAndTheBrowserIsTold() throws Exception {
    // A grant made for another challenge: the CLI's verifier does not match it.
    String otherChallenge = new WebLoginSecrets("x".repeat(43), "s").challenge();
    ScriptedBrowser browser =
        new ScriptedBrowser(
            p -> {
              String code = authorize(p, otherChallenge);
              return List.of(
                  visit(
                      p.get("redirect_uri")
                          + "?code="
                          + enc(code)
                          + "&state="
                          + enc(p.get("state"))));
            });

    Run login = run(browser, Terminal.none(), "", "login", "--web");

    assertThat(login.exit()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(login.err()).contains("code cli_grant_invalid");
    assertThat(browser.pages().get(0).statusCode()).isEqualTo(400);
    assertThat(browser.pages().get(0).body()).contains("Sign-in failed");
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void withNoBrowserTheAddressIsPrintedAloneAndNoAnswerEndsWithAClearError() {
    Browser mustNotOpen =
        uri -> {
          throw new AssertionError("--no-browser opened " + uri);
        };

    Run login =
        run(
            mustNotOpen,
            Terminal.none(),
            "",
            "login",
            "--web",
            "--no-browser",
            "--web-timeout",
            "1");

    assertThat(login.exit()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(login.err().lines())
        .anySatisfy(line -> assertThat(line).matches("http://\\S+/cli/authorize\\?\\S+"));
    assertThat(login.err())
        .contains("harmont: no answer from the browser within 1 second")
        .contains("harmont login --web");
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void whenNoBrowserOpensTheAddressIsPrintedAndTheLoginStillWorks() throws Exception {
    StringWriter err = new StringWriter();
    PrintWriter errWriter = new PrintWriter(err, true);
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                Cli.create(
                        new PrintWriter(new StringWriter(), true),
                        errWriter,
                        env(),
                        Terminal.none(),
                        new BufferedReader(new StringReader("")),
                        Browser.none())
                    .execute("login", "--web"));
    // The person copies the address from the terminal into a browser.
    String url = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (url == null && System.nanoTime() < deadline) {
      url =
          err.toString()
              .lines()
              .filter(l -> l.startsWith("http://") && l.contains("/cli/authorize?"))
              .findFirst()
              .orElse(null);
      Thread.sleep(20);
    }
    assertThat(url).as(err.toString()).isNotNull();
    Map<String, String> p = query(URI.create(url));
    String code = authorize(p, p.get("code_challenge"));
    visit(p.get("redirect_uri") + "?code=" + enc(code) + "&state=" + enc(p.get("state")));

    assertThat(exit.get(60, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(err.toString()).contains("Logged in as " + user.email());
    assertThat(credentials()).exists();
  }

  /** A terminal whose hidden prompt answers with what the person would paste. */
  private static Terminal pasting(Function<String, String> answer, StringWriter err) {
    return new Terminal() {
      @Override
      public boolean interactive() {
        return true;
      }

      @Override
      public String readLine(String prompt) {
        throw new AssertionError("the code is read hidden");
      }

      @Override
      public String readSecret(String prompt) {
        return answer.apply(err.toString());
      }
    };
  }

  private Run runPaste(Function<Map<String, String>, String> page) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Terminal terminal =
        pasting(
            printed -> {
              String url =
                  printed
                      .lines()
                      .filter(l -> l.contains("/cli/authorize?"))
                      .findFirst()
                      .orElseThrow();
              return page.apply(query(URI.create(url)));
            },
            err);
    int exit =
        Cli.create(
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                env(),
                terminal,
                new BufferedReader(new StringReader("")),
                uri -> {
                  throw new AssertionError("--paste opened " + uri);
                })
            .execute("login", "--web", "--paste");
    return new Run(exit, out.toString(), err.toString());
  }

  /** What the console page does on Cancel in paste mode: tell the server. */
  private void cancel(Map<String, String> params) {
    String body =
        "{\"code_challenge\":\""
            + params.get("code_challenge")
            + "\",\"code_challenge_method\":\"S256\",\"client_name\":\""
            + params.get("client_name")
            + "\"}";
    Api.Response denied = api.post("/api/v0/auth/cli-grants/deny", session, body);
    assertThat(denied.status()).as(denied.body()).isEqualTo(204);
  }

  @Test
  void cancelInTheBrowserEndsThePastePromptWithANonZeroExitAndSavesNothing() {
    Run login =
        runPaste(
            p -> {
              cancel(p);
              try {
                new CountDownLatch(1).await(); // the person never pastes anything
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return null;
            });

    assertThat(login.exit()).as(login.err()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(login.err()).contains("authorization was cancelled in the browser");
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void pasteModeReadsTheCodeFromAHiddenPrompt() {
    Run login =
        runPaste(
            p -> {
              assertThat(p).containsEntry("mode", "paste").doesNotContainKey("redirect_uri");
              return " " + authorize(p, p.get("code_challenge")) + "\n";
            });

    assertThat(login.exit()).as(login.err()).isEqualTo(ExitCodes.OK);
    assertThat(login.err()).contains("Logged in as " + user.email());
    Run keys = run(Browser.none(), Terminal.none(), "", "keys", "list");
    assertThat(keys.out()).contains("harmont CLI on " + HOST);
  }

  @Test
  void aReplayedOrForeignCodeIs400AndSavesNothing() throws Exception {
    String[] used = new String[1];
    Run first =
        runPaste(
            p -> {
              used[0] = authorize(p, p.get("code_challenge"));
              return used[0];
            });
    assertThat(first.exit()).isZero();
    assertThat(credentials()).exists();
    Files.delete(credentials());

    Run replay = runPaste(p -> used[0]);
    assertThat(replay.exit()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(replay.err()).contains("code cli_grant_invalid");
    assertThat(credentials()).doesNotExist();

    String otherChallenge = new WebLoginSecrets("y".repeat(43), "s").challenge();
    Run foreign = runPaste(p -> authorize(p, otherChallenge));
    assertThat(foreign.exit()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(foreign.err()).contains("code cli_grant_invalid");
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void webAndTokenOrPasteWithoutWebAreUsageErrors() {
    assertThat(run(Browser.none(), Terminal.none(), "", "login", "--web", "--token", "hm_x").exit())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run(Browser.none(), Terminal.none(), "", "login", "--paste").exit())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(credentials()).doesNotExist();
  }
}
