package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.store.Database;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The domain on a real database with a fixed clock. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.harmont.server.testing.Backend#all")
class AccountServiceTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @Parameter Backend backend;

  private TestDatabase testDatabase;
  private Database database;
  private MutableClock clock;
  private AccountService accounts;

  @BeforeEach
  void open() {
    testDatabase = backend.create();
    database = Database.open(testDatabase.settings());
    clock = new MutableClock(T0);
    accounts =
        new AccountService(
            database.users(),
            database.tokens(),
            database.events(),
            AccountService.DEFAULT_EVENT_RETENTION,
            clock,
            new SecureRandom(),
            AccountLimits.DEFAULTS,
            AuthCacheSettings.DEFAULTS,
            Runnable::run);
  }

  @AfterEach
  void close() {
    database.close();
    testDatabase.close();
  }

  private Instant lastUsed(CreatedUser user) {
    return database
        .tokens()
        .findByHash(Secrets.hash(user.key().secret()))
        .orElseThrow()
        .token()
        .lastUsedAt();
  }

  @Test
  void lastUsedIsWrittenAtT0NotAtT0Plus10sAgainAtT0Plus61s() {
    CreatedUser user = accounts.createUser("ada@example.org", "Ada");

    accounts.authenticate(user.key().secret());
    assertThat(lastUsed(user)).isEqualTo(T0);

    clock.advance(Duration.ofSeconds(10));
    accounts.authenticate(user.key().secret());
    assertThat(lastUsed(user)).isEqualTo(T0);

    clock.advance(Duration.ofSeconds(51));
    accounts.authenticate(user.key().secret());
    assertThat(lastUsed(user)).isEqualTo(T0.plusSeconds(61));
  }

  @Test
  void duplicateEmailsAreRefusedWhateverTheirCase() {
    accounts.createUser("ada@example.org", "Ada");

    assertThatThrownBy(() -> accounts.createUser(" ADA@example.org", "Other"))
        .isInstanceOf(HarmontException.class)
        .extracting(e -> ((HarmontException) e).code())
        .isEqualTo(ErrorCode.EMAIL_TAKEN);
  }

  @Test
  void expiryIsExclusive() {
    CreatedUser user = accounts.createUser("ada@example.org", "Ada");
    CreatedToken key = accounts.issueApiToken("ada@example.org", "short", T0.plusSeconds(30));

    clock.set(T0.plusSeconds(29));
    assertThat(accounts.authenticate(key.secret()).user().id()).isEqualTo(user.user().id());
    clock.set(T0.plusSeconds(30));
    assertThatThrownBy(() -> accounts.authenticate(key.secret()))
        .isInstanceOf(HarmontException.class);
  }

  @Test
  void deletingTheAccountRemovesItsOrganizationAndTokens() {
    CreatedUser user = accounts.createUser("ada@example.org", "Ada");
    CreatedToken session = accounts.issueSessionToken("ada@example.org", Duration.ofHours(1));

    accounts.deleteAccount(accounts.authenticate(user.key().secret()));

    assertThatThrownBy(() -> accounts.authenticate(session.secret()))
        .isInstanceOf(HarmontException.class);
    assertThat(accounts.createUser("ada@example.org", "Ada").user().personalOrgSlug())
        .isEqualTo("ada-example-org");
  }
}
