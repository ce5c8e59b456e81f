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
import org.junit.jupiter.api.Test;

/** Guesses never take cache memory, and the cache never grows past its bound. */
class AuthCacheBoundsTest {

  @Test
  void failedLookupsAreNotCachedAndTheSizeIsBounded() {
    try (TestDatabase testDb = Backend.SQLITE.create();
        Database db = Database.open(testDb.settings())) {
      AccountService accounts =
          new AccountService(
              db.users(),
              db.tokens(),
              db.events(),
              AccountService.DEFAULT_EVENT_RETENTION,
              new MutableClock(Instant.parse("2026-01-01T00:00:00Z")),
              new SecureRandom(),
              new AccountLimits(1000, 255),
              new AuthCacheSettings(Duration.ofMinutes(5), 10),
              Runnable::run);
      for (int i = 0; i < 500; i++) {
        String guess = "hm_guess" + i;
        assertThatThrownBy(() -> accounts.authenticate(guess)).isInstanceOf(HarmontException.class);
      }
      assertThat(accounts.cachedTokens()).isZero();

      accounts.createUser("ada@example.org", "Ada");
      for (int i = 0; i < 30; i++) {
        accounts.authenticate(accounts.issueApiToken("ada@example.org", null, null).secret());
      }
      assertThat(accounts.cachedTokens()).isLessThanOrEqualTo(10);
    }
  }
}
