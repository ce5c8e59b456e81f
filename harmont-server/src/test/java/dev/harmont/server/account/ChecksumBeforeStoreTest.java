package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.store.Database;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
import java.security.SecureRandom;
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

  @BeforeEach
  void open() {
    testDatabase = backend.create();
    database = Database.open(testDatabase.settings());
    tokens = new CountingTokenStore(database.tokens());
    accounts =
        new AccountService(
            database.users(),
            tokens,
            database.events(),
            AccountService.DEFAULT_EVENT_RETENTION,
            new MutableClock(Instant.parse("2026-03-01T12:00:00Z")),
            new SecureRandom(),
            AccountLimits.DEFAULTS,
            AuthCacheSettings.OFF,
            Runnable::run);
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

    assertThatThrownBy(() -> accounts.authenticate(typo))
        .isInstanceOfSatisfying(
            HarmontException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    assertThat(tokens.lookups).hasValue(0);

    // The real key, and tokens of other shapes (old keys, sessions, junk), are looked up.
    assertThat(accounts.authenticate(key).user().email()).isEqualTo("ada@example.org");
    assertThat(tokens.lookups).hasValue(1);
    assertThatThrownBy(() -> accounts.authenticate("hm_" + "A".repeat(43)))
        .isInstanceOf(HarmontException.class);
    assertThat(tokens.lookups).hasValue(2);
  }
}
