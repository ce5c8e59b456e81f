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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Guesses never take the token cache's memory, both caches stay within their bounds, and a repeated
 * unknown token costs one lookup per miss TTL.
 */
class AuthCacheBoundsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

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

  @Test
  void theCacheOfRecentMissesIsBounded() {
    try (TestDatabase testDb = Backend.SQLITE.create();
        Database db = Database.open(testDb.settings())) {
      AccountService accounts = service(db.tokens(), db, new MutableClock(T0));
      for (int i = 0; i < AuthCache.MAX_MISSES + 500; i++) {
        String guess = "hm_guess" + i;
        assertThatThrownBy(() -> accounts.authenticate(guess)).isInstanceOf(HarmontException.class);
      }
      assertThat(accounts.cachedMisses()).isLessThanOrEqualTo(AuthCache.MAX_MISSES);
    }
  }

  @Test
  void aRepeatedUnknownTokenIsLookedUpOncePerMissTtlAndAKeyNeverBecomesAMiss() {
    try (TestDatabase testDb = Backend.SQLITE.create();
        Database db = Database.open(testDb.settings())) {
      CountingTokenStore store = new CountingTokenStore(db.tokens());
      AtomicInteger lookups = store.lookups;
      MutableClock clock = new MutableClock(T0);
      AccountService accounts = service(store, db, clock);
      String revoked = accounts.createUser("ada@example.org", "Ada").key().secret();
      accounts.logout(accounts.authenticate(revoked), RequestContext.OPERATOR);
      lookups.set(0);

      for (int i = 0; i < 100; i++) {
        assertThatThrownBy(() -> accounts.authenticate(revoked))
            .isInstanceOf(HarmontException.class)
            .extracting(e -> ((HarmontException) e).code())
            .isEqualTo(ErrorCode.UNAUTHORIZED);
      }
      assertThat(lookups.get()).isEqualTo(1);
      clock.advance(AuthCache.MISS_TTL);
      assertThatThrownBy(() -> accounts.authenticate(revoked)).isInstanceOf(HarmontException.class);
      assertThat(lookups.get()).isEqualTo(2);

      // A malformed token is refused before any lookup.
      assertThatThrownBy(() -> accounts.authenticate("hm_not a token"))
          .isInstanceOf(HarmontException.class);
      assertThat(lookups.get()).isEqualTo(2);

      // A key that authenticates is never recorded as a miss, even right after a miss.
      String live = accounts.issueApiToken("ada@example.org", null, null).secret();
      for (int i = 0; i < 3; i++) {
        assertThat(accounts.authenticate(live).user().email()).isEqualTo("ada@example.org");
        clock.advance(Duration.ofMinutes(10)); // past the token cache's TTL: looked up again
      }
      assertThat(accounts.cachedMisses()).isLessThanOrEqualTo(1);
    }
  }

  private static AccountService service(TokenStore tokens, Database db, MutableClock clock) {
    return new AccountService(
        db.users(),
        tokens,
        db.events(),
        Duration.ofDays(90),
        clock,
        new SecureRandom(),
        new AccountLimits(1000, 255),
        new AuthCacheSettings(Duration.ofMinutes(5), 10),
        Runnable::run);
  }
}
