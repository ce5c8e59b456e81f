package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands through the picocli factory, against a real server over HTTP. */
class ClientCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @TempDir Path config;

  private TestUser user;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void newUser() {
    user = server.newUser();
  }

  private record Run(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  /** A terminal that answers from a script; non-interactive when the script is null. */
  private static final class ScriptedTerminal implements Terminal {
    final Deque<String> answers;
    final StringBuilder prompts = new StringBuilder();

    ScriptedTerminal(String... answers) {
      this.answers = answers == null ? null : new ArrayDeque<>(List.of(answers));
    }

    @Override
    public boolean interactive() {
      return answers != null;
    }

    @Override
    public String readLine(String prompt) {
      prompts.append(prompt);
      return answers.poll();
    }

    @Override
    public String readSecret(String prompt) {
      return readLine(prompt);
    }
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("HARMONT_API_URL", server.baseUri().toString());
    env.put("XDG_CONFIG_HOME", config.toString());
    return env;
  }

  private Run run(Map<String, String> env, Terminal terminal, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Cli.create(
                new PrintWriter(out),
                new PrintWriter(err),
                env,
                terminal,
                new BufferedReader(new StringReader(stdin)))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** Runs with the test user's token in HARMONT_TOKEN, no terminal. */
  private Run run(String... args) {
    Map<String, String> env = env();
    env.put("HARMONT_TOKEN", user.token());
    return run(env, Terminal.none(), "", args);
  }

  /** Runs with no token in the environment: only the credential file. */
  private Run runStored(String... args) {
    return run(env(), Terminal.none(), "", args);
  }

  private Path credentials() {
    return config.resolve("harmont").resolve("credentials");
  }

  @Test
  void whoamiPrintsTheUser() {
    Run result = run("whoami");

    assertThat(result.exit()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains(user.email())
        .contains(user.name())
        .contains(user.id().toString());
    assertThat(result.out() + result.err()).doesNotContain(user.token());
  }

  @Test
  void whoamiJsonIsTheApiShape() throws Exception {
    JsonNode json = run("whoami", "--json").json();

    assertThat(json.get("email").asText()).isEqualTo(user.email());
    assertThat(json.get("uuid").asText()).isEqualTo(user.id().toString());
    assertThat(json.get("personal_org_slug").asText()).isNotBlank();
  }

  @Test
  void renameChangesTheName() throws Exception {
    Run result = run("rename", "Ada King", "--json");

    assertThat(result.exit()).isZero();
    assertThat(result.json().get("name").asText()).isEqualTo("Ada King");
    assertThat(run("whoami").out()).contains("Ada King");
  }

  @Test
  void aBadNameIsAnApiErrorWithCodeAndRequestId() {
    Run result = run("rename", " ");

    assertThat(result.exit()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(result.err()).contains("code user_name_invalid").contains("request_id ");
    assertThat(result.err()).contains("/docs/errors/user_name_invalid");
  }

  @Test
  void keysCreateListRevoke() throws Exception {
    Run created = run("keys", "create", "--description", "CI", "--expires-in", "30d");

    assertThat(created.exit()).isZero();
    String secret = created.out().strip();
    assertThat(secret).matches("hm_[0-9A-Za-z]{49}");
    assertThat(created.err()).contains("only").doesNotContain(secret);

    Run table = run("keys", "list");
    assertThat(table.exit()).isZero();
    assertThat(table.outLines().get(0))
        .contains("ID")
        .contains("DESCRIPTION")
        .contains("CREATED")
        .contains("EXPIRES")
        .contains("LAST USED");
    String row = table.outLines().stream().filter(l -> l.contains("CI")).findFirst().orElseThrow();
    assertThat(row).contains("in 30 days").contains("never").contains("just now");
    assertThat(table.out()).doesNotContain(secret).doesNotContain(user.token());

    JsonNode list = run("keys", "list", "--json").json();
    String id = null;
    for (JsonNode key : list.get("api_tokens")) {
      if ("CI".equals(key.get("description").asText())) {
        id = key.get("id").asText();
        assertThat(Instant.parse(key.get("expires_at").asText()))
            .isBetween(
                Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        assertThat(key.get("last_used_at").isNull()).isTrue();
      }
    }
    assertThat(id).isNotNull();

    Map<String, String> withNewKey = env();
    withNewKey.put("HARMONT_TOKEN", secret);
    assertThat(run(withNewKey, Terminal.none(), "", "whoami").exit()).isZero();

    assertThat(run("keys", "revoke", id).exit()).isZero();
    assertThat(run(withNewKey, Terminal.none(), "", "whoami").exit())
        .isEqualTo(ExitCodes.AUTHENTICATION);
  }

  @Test
  void keysCreateJsonCarriesTheSecretOnceAndExpiresAt() throws Exception {
    Run created = run("keys", "create", "--expires-at", "2099-01-01T00:00:00Z", "--json");

    assertThat(created.exit()).isZero();
    JsonNode json = created.json();
    assertThat(json.get("token").asText()).startsWith("hm_");
    assertThat(json.get("api_token").get("expires_at").asText()).isEqualTo("2099-01-01T00:00:00Z");
  }

  @Test
  void expiryFlagsAreExclusiveAndChecked() {
    assertThat(
            run("keys", "create", "--expires-in", "1d", "--expires-at", "2099-01-01T00:00:00Z")
                .exit())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("keys", "create", "--expires-in", "soon").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("keys", "create", "--expires-at", "tomorrow").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("keys", "create", "--expires-at", "2001-01-01T00:00:00Z").exit())
        .isEqualTo(ExitCodes.API_ERROR);
  }

  @Test
  void exitCodes() {
    Map<String, String> badToken = env();
    badToken.put("HARMONT_TOKEN", "hm_not_a_real_key");
    Run unauthenticated = run(badToken, Terminal.none(), "", "whoami");
    assertThat(unauthenticated.exit()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(unauthenticated.err()).startsWith("harmont: ").doesNotContain("hm_not_a_real_key");

    Run unknown = run("keys", "revoke", "tok_doesnotexist");
    assertThat(unknown.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err()).contains("code ");

    Run offline = run("whoami", "--api-url", "http://127.0.0.1:1");
    assertThat(offline.exit()).isEqualTo(ExitCodes.NETWORK);
    assertThat(offline.err()).startsWith("harmont: ").doesNotContain(user.token());

    assertThat(run("whoami", "--no-such-flag").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("rename").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("whoami", "--api-url", "ftp://example.org").exit()).isEqualTo(ExitCodes.USAGE);

    Run noToken = runStored("whoami");
    assertThat(noToken.exit()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(noToken.err()).contains("harmont login");
  }

  @Test
  void loginStoresThePrivateCredentialFileAndLogoutRevokesIt() throws Exception {
    String key = server.issueKey(user);

    Run login = runStored("login", "--token", key);
    assertThat(login.exit()).isZero();
    assertThat(login.err()).contains("Logged in as " + user.email());
    assertThat(login.out() + login.err()).doesNotContain(key);
    assertThat(Files.getPosixFilePermissions(credentials()))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(credentials().getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.readString(credentials())).contains(key).contains(server.baseUri().toString());

    // The stored URL is used when nothing else says where the API is.
    Map<String, String> noUrl = new HashMap<>(Map.of("XDG_CONFIG_HOME", config.toString()));
    Run whoami = run(noUrl, Terminal.none(), "", "whoami", "--json");
    assertThat(whoami.exit()).isZero();
    assertThat(whoami.json().get("email").asText()).isEqualTo(user.email());

    Run logout = runStored("logout");
    assertThat(logout.exit()).isZero();
    assertThat(credentials()).doesNotExist();

    Map<String, String> withOldKey = env();
    withOldKey.put("HARMONT_TOKEN", key);
    assertThat(run(withOldKey, Terminal.none(), "", "whoami").exit())
        .isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(runStored("whoami").exit()).isEqualTo(ExitCodes.AUTHENTICATION);
  }

  @Test
  void loginReadsTheEnvironmentThePromptOrStdin() {
    Map<String, String> env = env();
    env.put("HARMONT_TOKEN", user.token());
    assertThat(run(env, Terminal.none(), "", "login").exit()).isZero();
    Credentials.delete(env());

    ScriptedTerminal terminal = new ScriptedTerminal(user.token());
    assertThat(run(env(), terminal, "", "login").exit()).isZero();
    assertThat(terminal.prompts.toString()).contains("token");
    Credentials.delete(env());

    assertThat(run(env(), Terminal.none(), user.token() + "\n", "login").exit()).isZero();
    assertThat(runStored("whoami").exit()).isZero();
  }

  @Test
  void aRefusedLoginStoresNothing() {
    Run login = run(env(), Terminal.none(), "hm_wrong\n", "login");

    assertThat(login.exit()).isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void logoutForgetsTheFileEvenWhenTheServerRefusesTheToken() throws Exception {
    new Credentials(server.baseUri().toString(), "hm_revoked_long_ago").store(env());

    Run logout = runStored("logout");

    assertThat(logout.exit()).isZero();
    assertThat(credentials()).doesNotExist();
  }

  @Test
  void deleteAccountRefusesWithoutATerminalOrYes() {
    Run refused = run("delete-account");

    assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err()).contains("--yes");
    assertThat(run("whoami").exit()).isZero();
  }

  @Test
  void deleteAccountAsksForTheEmail() {
    Map<String, String> env = env();
    env.put("HARMONT_TOKEN", user.token());

    ScriptedTerminal wrong = new ScriptedTerminal("someone@else.org");
    assertThat(run(env, wrong, "", "delete-account").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(wrong.prompts.toString()).contains("Type the email to confirm");
    assertThat(run("whoami").exit()).isZero();

    ScriptedTerminal right = new ScriptedTerminal(user.email());
    assertThat(run(env, right, "", "delete-account").exit()).isZero();
    assertThat(run("whoami").exit()).isEqualTo(ExitCodes.AUTHENTICATION);
  }

  @Test
  void deleteAccountWithYes() {
    Run deleted = run("delete-account", "--yes");

    assertThat(deleted.exit()).isZero();
    assertThat(deleted.err()).contains(user.email());
    assertThat(run("whoami").exit()).isEqualTo(ExitCodes.AUTHENTICATION);
  }

  @Test
  void completionScripts() {
    Run bash = run("completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete").contains("keys").contains("whoami");
    assertThat(run("completion", "zsh").out()).contains("bashcompinit");
    assertThat(run("completion", "fish").exit()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void relativeTimes() {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    assertThat(RelativeTime.format(null, now)).isEqualTo("never");
    assertThat(RelativeTime.format(now.minusSeconds(180), now)).isEqualTo("3 minutes ago");
    assertThat(RelativeTime.format(now.plus(Duration.ofDays(30)).minusSeconds(5), now))
        .isEqualTo("in 30 days");
    assertThat(RelativeTime.format(now.minusSeconds(3600), now)).isEqualTo("1 hour ago");
    assertThat(RelativeTime.format(now.minusSeconds(3590), now)).isEqualTo("1 hour ago");
    assertThat(RelativeTime.format(now.plus(Duration.ofHours(36)), now)).isEqualTo("in 2 days");
  }
}
