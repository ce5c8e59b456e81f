package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.store.Database;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  private Authenticator authenticator;

  @BeforeEach
  void open() {
    testDatabase = backend.create();
    database = Database.open(testDatabase.settings());
    clock = new MutableClock(T0);
    Accounts opened =
        Accounts.open(
            database, AccountSettings.DEFAULTS, clock, Runnable::run, AuthOutcome.Listener.NONE);
    accounts = opened.service();
    authenticator = opened.authenticator();
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

    authenticator.authenticate(user.key().secret());
    assertThat(lastUsed(user)).isEqualTo(T0);

    clock.advance(Duration.ofSeconds(10));
    authenticator.authenticate(user.key().secret());
    assertThat(lastUsed(user)).isEqualTo(T0);

    clock.advance(Duration.ofSeconds(51));
    authenticator.authenticate(user.key().secret());
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
    assertThat(authenticator.authenticate(key.secret()).user().id()).isEqualTo(user.user().id());
    clock.set(T0.plusSeconds(30));
    assertThatThrownBy(() -> authenticator.authenticate(key.secret()))
        .isInstanceOf(HarmontException.class);
  }

  @Test
  void deletingTheAccountRemovesItsOrganizationAndTokens() {
    CreatedUser user = accounts.createUser("ada@example.org", "Ada");
    CreatedToken session = accounts.issueSessionToken("ada@example.org", Duration.ofHours(1));

    accounts.deleteAccount(authenticator.authenticate(user.key().secret()));

    assertThatThrownBy(() -> authenticator.authenticate(session.secret()))
        .isInstanceOf(HarmontException.class);
    assertThat(accounts.createUser("ada@example.org", "Ada").user().personalOrgSlug())
        .isEqualTo("ada-example-org");
  }

  @Test
  void noCallerCanStartASessionOutsideTheDomainsBounds() {
    accounts.createUser("ada@example.org", "Ada");

    for (Duration ttl :
        List.of(
            Duration.ofDays(3650),
            AccountSettings.MAX_SESSION_TTL.plusSeconds(1),
            AccountSettings.MIN_SESSION_TTL.minusSeconds(1),
            Duration.ZERO,
            Duration.ofHours(-1))) {
      assertThatThrownBy(() -> accounts.issueSessionToken("ada@example.org", ttl))
          .as("%s", ttl)
          .isInstanceOfSatisfying(
              HarmontException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.SESSION_TTL_INVALID));
    }
    CreatedToken longest =
        accounts.issueSessionToken("ada@example.org", AccountSettings.MAX_SESSION_TTL);
    assertThat(longest.token().expiresAt()).isEqualTo(T0.plus(AccountSettings.MAX_SESSION_TTL));
  }

  @Test
  void anExpiryInTheCurrentMicrosecondIsNotInTheFutureForTheOperatorEither() {
    accounts.createUser("ada@example.org", "Ada");
    Instant sameMicrosecond = T0.plusNanos(500);

    assertThatThrownBy(() -> accounts.issueApiToken("ada@example.org", "k", sameMicrosecond))
        .isInstanceOfSatisfying(
            HarmontException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.API_TOKEN_EXPIRES_AT_NOT_IN_FUTURE));
    assertThat(
            accounts.issueApiToken("ada@example.org", "k", T0.plusNanos(1500)).token().expiresAt())
        .isEqualTo(T0.plusNanos(1000));
  }
}
