package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.account.Secrets;
import dev.harmont.server.store.Database;
import dev.harmont.server.store.DatabaseSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin commands through the picocli factory, on a real embedded database. */
class AdminCommandsTest {
  @TempDir Path dataDir;

  private record Run(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  private Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Cli.create(new PrintWriter(out), new PrintWriter(err), env).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Run run(String... args) {
    return run(Map.of("HARMONT_DATA_DIR", dataDir.toString()), args);
  }

  private boolean authenticates(String secret) {
    try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
      return db.tokens().findByHash(Secrets.hash(secret)).isPresent();
    }
  }

  @Test
  void createUserPrintsTheKeyAsTheLastLineOfStdout() {
    Run result = run("admin", "create-user", "--email", "Ada@Example.org", "--name", "Ada");

    assertThat(result.exit()).isEqualTo(ExitCodes.OK);
    String key = result.outLines().get(result.outLines().size() - 1);
    assertThat(key).matches("hm_[0-9A-Za-z]{49}");
    assertThat(authenticates(key)).isTrue();
    assertThat(result.err()).contains("ada@example.org").contains("ada-example-org");
    assertThat(result.err()).doesNotContain(key);
  }

  @Test
  void aDuplicateEmailIsAClearErrorWithANonZeroExit() {
    run("admin", "create-user", "--email", "ada@example.org", "--name", "Ada");

    Run again = run("admin", "create-user", "--email", " ADA@example.org ", "--name", "Ada");

    assertThat(again.exit()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(again.out()).isEmpty();
    assertThat(again.err()).contains("already exists").contains("email_taken");
  }

  @Test
  void issueSessionCannotMintASessionLongerThanTheDomainAllows() {
    run("admin", "create-user", "--email", "ada@example.org", "--name", "Ada");

    Run tooLong =
        run("admin", "issue-session", "--email", "ada@example.org", "--ttl-hours", "87600");

    assertThat(tooLong.exit()).isNotEqualTo(ExitCodes.OK);
    assertThat(tooLong.out()).isEmpty();
    assertThat(tooLong.err()).containsAnyOf("30 days", "30d");
  }

  @Test
  void issueKeyMintsAnotherWorkingKey() {
    run("admin", "create-user", "--email", "ada@example.org", "--name", "Ada");

    Run result = run("admin", "issue-key", "--email", "ada@example.org", "--description", "CI");

    assertThat(result.exit()).isEqualTo(ExitCodes.OK);
    assertThat(authenticates(result.outLines().get(result.outLines().size() - 1))).isTrue();
  }

  @Test
  void signInLinkPrintsAConsoleLinkWhoseCodeIsStoredOnlyAsAHash() {
    run("admin", "create-user", "--email", "ada@example.org", "--name", "Ada");

    Run result =
        run(
            "admin",
            "sign-in-link",
            "--email",
            "ada@example.org",
            "--public-url",
            "https://harmont.example.org/");

    assertThat(result.exit()).isEqualTo(ExitCodes.OK);
    String link = result.outLines().get(result.outLines().size() - 1);
    assertThat(link).matches("https://harmont\\.example\\.org/sign-in#code=[A-Za-z0-9_-]{43}");
    String code = link.substring(link.indexOf("#code=") + 6);
    assertThat(result.err()).contains("works once").doesNotContain(code);
    try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
      assertThat(db.signInLinks().consume(code, java.time.Instant.now())).isEmpty();
      assertThat(db.signInLinks().consume(Secrets.hash(code), java.time.Instant.now())).isPresent();
    }
  }

  @Test
  void signInLinkDefaultsToTheLocalServerAndRefusesABadPublicUrl() {
    run("admin", "create-user", "--email", "ada@example.org", "--name", "Ada");

    Run local = run("admin", "sign-in-link", "--email", "ada@example.org");
    assertThat(local.outLines().get(local.outLines().size() - 1))
        .startsWith("http://127.0.0.1:8080/sign-in#code=");

    Run bad = run("admin", "sign-in-link", "--email", "ada@example.org", "--public-url", "ftp://x");
    assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--public-url");
    assertThat(run("admin", "sign-in-link", "--email", "nobody@example.org").exit())
        .isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void inviteCreatesTheAccountAndPrintsALinkStoredOnlyAsAHash() {
    Run result =
        run(
            "admin",
            "invite",
            "--email",
            "Grace@Example.org",
            "--name",
            "Grace Hopper",
            "--print",
            "--public-url",
            "https://harmont.example.org/");

    assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.OK);
    String link = result.outLines().get(result.outLines().size() - 1);
    assertThat(link).matches("https://harmont\\.example\\.org/recover#token=[A-Za-z0-9_-]{43}");
    String token = link.substring(link.indexOf("#token=") + 7);
    assertThat(result.err()).contains("grace@example.org").doesNotContain(token);
    try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
      assertThat(db.users().findByEmail("grace@example.org").orElseThrow().name())
          .isEqualTo("Grace Hopper");
      assertThat(db.emailLinks().find(token)).isEmpty();
      assertThat(db.emailLinks().find(Secrets.hash(token)).orElseThrow().purpose())
          .isEqualTo(dev.harmont.server.account.EmailLink.Purpose.INVITE);
      // --print sends nothing.
      assertThat(db.mailQueue().pending()).isZero();
    }
  }

  @Test
  void inviteWithoutPrintQueuesTheWelcomeForAnExistingAccount() {
    run("admin", "create-user", "--email", "ada@example.org", "--name", "Ada");

    Run result = run("admin", "invite", "--email", "ada@example.org");

    assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("queued");
    try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
      var queued =
          db.mailQueue()
              .claim("test", java.time.Instant.now(), java.time.Duration.ofMinutes(1), 10);
      assertThat(queued).hasSize(1);
      assertThat(queued.get(0).mail().to()).isEqualTo("ada@example.org");
      assertThat(queued.get(0).mail().text())
          .contains("Hello Ada,")
          .contains("http://localhost:8080/recover#token=");
    }
    assertThat(run("admin", "invite", "--email", "not-an-address").exit())
        .isEqualTo(ExitCodes.API_ERROR);
  }

  @Test
  void issueKeyForAnUnknownUserIsNotFound() {
    Run result = run("admin", "issue-key", "--email", "nobody@example.org");

    assertThat(result.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("user_not_found");
  }

  @Test
  void theDataDirFlagWinsOverTheEnvironment(@TempDir Path other) {
    Run result =
        run(
            Map.of("HARMONT_DATA_DIR", dataDir.toString()),
            "admin",
            "create-user",
            "--email",
            "ada@example.org",
            "--name",
            "Ada",
            "--data-dir",
            other.toString());

    assertThat(result.exit()).isZero();
    assertThat(other.resolve("harmont.db")).exists();
    assertThat(dataDir.resolve("harmont.db")).doesNotExist();
  }

  @Test
  void missingRequiredOptionsAreAUsageError() {
    Run result = run("admin", "create-user", "--email", "ada@example.org");

    assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("--name");
  }

  @Test
  void environmentVariableNamesFollowTheLongOption() {
    assertThat(EnvDefaults.variableFor("--data-dir")).isEqualTo("HARMONT_DATA_DIR");
    assertThat(EnvDefaults.variableFor("--database-pool-size"))
        .isEqualTo("HARMONT_DATABASE_POOL_SIZE");
  }

  @Test
  void anUnreachableDatabaseIsANetworkErrorThatSaysSo() {
    Run result =
        run(
            "admin",
            "create-user",
            "--email",
            "ada@example.org",
            "--name",
            "Ada",
            "--database-url",
            "jdbc:postgresql://127.0.0.1:1/harmont?user=nobody&password=hunter2");

    assertThat(result.exit()).isEqualTo(ExitCodes.NETWORK);
    assertThat(result.err()).contains("Cannot reach the database").doesNotContain("hunter2");
  }

  @Test
  void serviceCredentialsAreCreatedListedAndRevokedByName() {
    Run created = run("admin", "create-service", "--name", "runner-api");

    assertThat(created.exit()).isEqualTo(ExitCodes.OK);
    String secret = created.outLines().get(created.outLines().size() - 1);
    assertThat(secret).matches("hms_[0-9A-Za-z]{49}");
    assertThat(Secrets.isServiceSecret(secret)).isTrue();
    assertThat(created.err()).contains("runner-api").doesNotContain(secret);
    try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
      assertThat(db.serviceCredentials().findActiveByHash(Secrets.hash(secret))).isPresent();
    }

    Run taken = run("admin", "create-service", "--name", "runner-api");
    Run listed = run("admin", "list-services");
    Run revoked = run("admin", "revoke-service", "--name", "runner-api");
    Run again = run("admin", "revoke-service", "--name", "runner-api");
    Run listedAfter = run("admin", "list-services");

    assertThat(taken.exit()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(taken.err()).contains("service_name_taken");
    assertThat(listed.out())
        .contains("runner-api")
        .contains(secret.substring(secret.length() - 4))
        .doesNotContain(secret);
    assertThat(revoked.exit()).isEqualTo(ExitCodes.OK);
    assertThat(again.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(again.err()).contains("service_not_found").contains("already revoked");
    assertThat(listedAfter.outLines().get(1)).doesNotEndWith("\t-");
    try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
      assertThat(db.serviceCredentials().findActiveByHash(Secrets.hash(secret))).isEmpty();
    }
  }
}
