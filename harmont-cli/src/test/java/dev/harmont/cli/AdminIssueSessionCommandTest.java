package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.harmont.server.account.AccountSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code harmont admin issue-session}: a session as a sign-in gives, within the same bounds. */
class AdminIssueSessionCommandTest {
  private static final Pattern EXPIRES = Pattern.compile("expires (\\S+):");

  @TempDir Path dataDir;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Cli.create(
                new PrintWriter(out),
                new PrintWriter(err),
                Map.of("HARMONT_DATA_DIR", dataDir.toString()))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Instant expiresAt(Run run) {
    Matcher m = EXPIRES.matcher(run.err());
    assertThat(m.find()).as("stderr names the expiry: %s", run.err()).isTrue();
    return Instant.parse(m.group(1));
  }

  @BeforeEach
  void createUser() {
    assertThat(run("admin", "create-user", "--email", "ada@example.org", "--name", "Ada").exit())
        .isZero();
  }

  @Test
  void theDefaultLifetimeIsASignInsSession() {
    Instant before = Instant.now();
    Run result = run("admin", "issue-session", "--email", "ada@example.org");

    assertThat(result.exit()).isZero();
    assertThat(expiresAt(result))
        .isCloseTo(before.plus(AccountSettings.DEFAULT_SESSION_TTL), within(1, ChronoUnit.MINUTES));
  }

  @Test
  void theLongestSessionIsAccepted() {
    Instant before = Instant.now();
    long hours = AccountSettings.MAX_SESSION_TTL.toHours();
    Run result =
        run("admin", "issue-session", "--email", "ada@example.org", "--ttl-hours", "" + hours);

    assertThat(result.exit()).isZero();
    assertThat(expiresAt(result))
        .isCloseTo(before.plus(AccountSettings.MAX_SESSION_TTL), within(1, ChronoUnit.MINUTES));
  }

  @ParameterizedTest
  @ValueSource(strings = {"87600", "721", "0", "-1", "1.5", "12h"})
  void aLifetimeOutsideTheSessionBoundsIsAUsageErrorThatNamesThem(String hours) {
    Run result = run("admin", "issue-session", "--email", "ada@example.org", "--ttl-hours", hours);

    assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("--ttl-hours").contains("'" + hours + "'");
    if (hours.matches("-?\\d+")) {
      assertThat(result.err())
          .contains("from 1 to " + AccountSettings.MAX_SESSION_TTL.toHours() + " hours")
          .contains(SessionTtlConverter.bounds());
    }
  }
}
