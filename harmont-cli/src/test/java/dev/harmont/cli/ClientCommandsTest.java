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
import java.util.ArrayList;
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
  void passkeysListRenameRemoveAndAddOpensTheConsole() throws Exception {
    dev.harmont.server.signin.RelyingParty rp = server.server().relyingParty();
    String laptop =
        new dev.harmont.server.testing.SoftAuthenticator(rp.origin(), rp.id())
            .enrol(server.baseUri(), user.token())
            .get("uuid")
            .asText();
    new dev.harmont.server.testing.SoftAuthenticator(rp.origin(), rp.id())
        .enrol(server.baseUri(), user.token());

    Run table = run("passkeys", "list");
    assertThat(table.exit()).isZero();
    assertThat(table.outLines().get(0)).contains("ID", "NAME", "AUTHENTICATOR", "LAST USED");
    assertThat(table.out()).contains(laptop);
    Run renamed = run("passkeys", "rename", laptop, "Laptop", "--json");
    assertThat(renamed.json().get("nickname").asText()).isEqualTo("Laptop");
    assertThat(run("passkeys", "list", "--json").json().get("passkeys")).hasSize(2);

    assertThat(run("passkeys", "remove", laptop).exit()).isZero();
    String last = run("passkeys", "list", "--json").json().at("/passkeys/0/uuid").asText();
    Run refused = run("passkeys", "remove", last);
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("passkey_last_credential");

    List<java.net.URI> opened = new ArrayList<>();
    Map<String, String> env = env();
    env.put("HARMONT_TOKEN", user.token());
    StringWriter err = new StringWriter();
    int exit =
        Cli.create(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                env,
                Terminal.none(),
                new BufferedReader(new StringReader("")),
                uri -> opened.add(uri))
            .execute("passkeys", "add");
    assertThat(exit).isZero();
    assertThat(opened)
        .containsExactly(
            java.net.URI.create("http://localhost:" + server.baseUri().getPort() + "/#passkeys"));
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
        .contains("KEY")
        .contains("DESCRIPTION")
        .contains("CREATED")
        .contains("EXPIRES")
        .contains("LAST USED");
    String row = table.outLines().stream().filter(l -> l.contains("CI")).findFirst().orElseThrow();
    assertThat(row).contains("in 30 days").contains("never").contains("just now");
    assertThat(row).contains("hm_…" + secret.substring(secret.length() - 4));
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

  private Map<String, String> envWithToken(String token) {
    Map<String, String> env = env();
    env.put("HARMONT_TOKEN", token);
    return env;
  }

  @Test
  void keysRotateWithGraceKeepsTheOldSecretAndPrintsOnlyTheNewOne() throws Exception {
    String old = run("keys", "create", "--description", "deploy").out().strip();
    String id =
        run(envWithToken(old), Terminal.none(), "", "whoami", "--json")
            .json()
            .at("/token/id")
            .asText();

    Run rotated = run("keys", "rotate", id, "--grace", "10m", "--expires-in", "30d");

    assertThat(rotated.exit()).as(rotated.err()).isZero();
    String fresh = rotated.out().strip();
    assertThat(fresh).matches("hm_[0-9A-Za-z]{49}").isNotEqualTo(old);
    assertThat(rotated.err())
        .contains("hm_…" + fresh.substring(48))
        .contains("10 minutes")
        .doesNotContain(fresh)
        .doesNotContain(old);
    Run oldWhoami = run(envWithToken(old), Terminal.none(), "", "whoami");
    assertThat(oldWhoami.exit()).isZero();
    assertThat(oldWhoami.err()).contains("replaced by a rotation");
    JsonNode listed = run("keys", "list", "--json").json();
    for (JsonNode key : listed.get("api_tokens")) {
      if (key.get("id").asText().equals(id)) {
        assertThat(key.get("hint").asText()).isEqualTo(fresh.substring(48));
        assertThat(key.get("description").asText()).isEqualTo("deploy");
      }
    }

    String third = run("keys", "rotate", id).out().strip();

    assertThat(run(envWithToken(old), Terminal.none(), "", "whoami").exit())
        .isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(run(envWithToken(fresh), Terminal.none(), "", "whoami").exit())
        .isEqualTo(ExitCodes.AUTHENTICATION);
    assertThat(run(envWithToken(third), Terminal.none(), "", "whoami").exit()).isZero();
  }

  @Test
  void keysRotateRefusesBadFlagsAndUnknownKeys() {
    assertThat(run("keys", "rotate", "00000000-0000-7000-8000-000000000000").exit())
        .isEqualTo(ExitCodes.NOT_FOUND);
    Run tooLong = run("keys", "rotate", "x", "--grace", "2d");
    assertThat(tooLong.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(tooLong.err()).contains("1d");
    assertThat(run("keys", "rotate", "x", "--grace", "10").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("keys", "rotate", "x", "--never-expires", "--expires-in", "1d").exit())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void whoamiShowsTheKeyInUseAndWarnsWhenItExpiresWithinAWeek() throws Exception {
    Run plain = run("whoami");
    assertThat(plain.out())
        .contains("token:")
        .contains("API key hm_…" + user.token().substring(48));
    assertThat(plain.err()).doesNotContain("warning");
    JsonNode json = run("whoami", "--json").json();
    assertThat(json.at("/token/kind").asText()).isEqualTo("api_key");
    assertThat(json.at("/token/hint").asText()).isEqualTo(user.token().substring(48));

    String soon = run("keys", "create", "--expires-in", "3d").out().strip();
    String later = run("keys", "create", "--expires-in", "8d").out().strip();

    Run warned = run(envWithToken(soon), Terminal.none(), "", "whoami");
    assertThat(warned.exit()).isZero();
    assertThat(warned.err())
        .contains("warning")
        .contains("expires in 3 days")
        .contains("keys rotate");
    assertThat(run(envWithToken(later), Terminal.none(), "", "whoami").err())
        .doesNotContain("warning");
  }

  @Test
  void eventsShowsTheSecurityLogPageByPage() throws Exception {
    run("rename", "First");
    run("rename", "Second");

    Run table = run("events");
    assertThat(table.exit()).isZero();
    assertThat(table.outLines().get(0)).contains("TIME").contains("EVENT").contains("IP");
    assertThat(table.out()).contains("user.renamed").contains("api_token.created");
    assertThat(table.out()).contains("127.0.0.1").contains("harmont-cloud-java/");

    JsonNode json = run("events", "--json").json();
    assertThat(json.get("events")).hasSize(3);
    assertThat(json.at("/events/0/type").asText()).isEqualTo("user.renamed");
    assertThat(json.at("/events/0/request_id").asText()).isNotBlank();
    assertThat(json.get("next").isNull()).isTrue();

    Run first = run("events", "--limit", "2");
    assertThat(first.outLines()).hasSize(3);
    String cursor = first.err().replaceAll("(?s).*--before (\\S+).*", "$1").strip();
    Run second = run("events", "--limit", "2", "--before", cursor);
    assertThat(second.exit()).isZero();
    assertThat(second.out()).contains("api_token.created").doesNotContain("user.renamed");
    assertThat(second.err()).doesNotContain("More:");
    assertThat(run("events", "--limit", "0").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("events", "--before", "bogus").exit()).isEqualTo(ExitCodes.API_ERROR);
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
