package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.store.Database;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A key of the checksummed shape whose checksum fails is refused before the cache or the store is
 * asked; other tokens still go to the store. Proven by counting the calls the real store gets.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.harmont.server.testing.Backend#all")
class ChecksumBeforeStoreTest {
  @Parameter Backend backend;

  private TestDatabase testDatabase;
  private Database database;
  private CountingTokenStore tokens;
  private AccountService accounts;
  private Authenticator authenticator;

  @BeforeEach
  void open() {
    testDatabase = backend.create();
    database = Database.open(testDatabase.settings());
    tokens = new CountingTokenStore(database.tokens());
    Accounts opened =
        Accounts.open(
            new StoresWithTokens(database, tokens),
            AccountSettings.DEFAULTS.withAuthCache(AuthCacheSettings.OFF),
            new MutableClock(Instant.parse("2026-03-01T12:00:00Z")),
            Runnable::run,
            AuthOutcome.Listener.NONE);
    accounts = opened.service();
    authenticator = opened.authenticator();
  }

  @AfterEach
  void close() {
    database.close();
    testDatabase.close();
  }

  @Test
  void aBadChecksumIsRefusedWithoutAStoreLookup() {
    String key = accounts.createUser("ada@example.org", "Ada").key().secret();
    String typo = key.substring(0, 20) + (key.charAt(20) == 'x' ? 'y' : 'x') + key.substring(21);
    tokens.lookups.set(0);

    assertThatThrownBy(() -> authenticator.authenticate(typo))
        .isInstanceOfSatisfying(
            HarmontException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    assertThat(tokens.lookups).hasValue(0);

    // The real key, and tokens of other shapes (old keys, sessions, junk), are looked up.
    assertThat(authenticator.authenticate(key).user().email()).isEqualTo("ada@example.org");
    assertThat(tokens.lookups).hasValue(1);
    assertThatThrownBy(() -> authenticator.authenticate("hm_" + "A".repeat(43)))
        .isInstanceOf(HarmontException.class);
    assertThat(tokens.lookups).hasValue(2);
  }
}
