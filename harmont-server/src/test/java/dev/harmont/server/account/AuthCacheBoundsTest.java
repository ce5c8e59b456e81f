package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.store.Database;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
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
      Accounts accounts = open(db.tokens(), db, new MutableClock(T0));
      for (int i = 0; i < 500; i++) {
        String guess = "hm_guess" + i;
        assertThatThrownBy(() -> accounts.authenticator().authenticate(guess))
            .isInstanceOf(HarmontException.class);
      }
      assertThat(accounts.authenticator().cachedTokens()).isZero();

      accounts.service().createUser("ada@example.org", "Ada");
      for (int i = 0; i < 30; i++) {
        accounts
            .authenticator()
            .authenticate(accounts.service().issueApiToken("ada@example.org", null, null).secret());
      }
      assertThat(accounts.authenticator().cachedTokens()).isLessThanOrEqualTo(10);
    }
  }

  @Test
  void theCacheOfRecentMissesIsBounded() {
    try (TestDatabase testDb = Backend.SQLITE.create();
        Database db = Database.open(testDb.settings())) {
      Accounts accounts = open(db.tokens(), db, new MutableClock(T0));
      for (int i = 0; i < AuthCache.MAX_MISSES + 500; i++) {
        String guess = "hm_guess" + i;
        assertThatThrownBy(() -> accounts.authenticator().authenticate(guess))
            .isInstanceOf(HarmontException.class);
      }
      assertThat(accounts.authenticator().cachedMisses()).isLessThanOrEqualTo(AuthCache.MAX_MISSES);
    }
  }

  @Test
  void aRepeatedUnknownTokenIsLookedUpOncePerMissTtlAndAKeyNeverBecomesAMiss() {
    try (TestDatabase testDb = Backend.SQLITE.create();
        Database db = Database.open(testDb.settings())) {
      CountingTokenStore store = new CountingTokenStore(db.tokens());
      AtomicInteger lookups = store.lookups;
      MutableClock clock = new MutableClock(T0);
      Accounts accounts = open(store, db, clock);
      String revoked = accounts.service().createUser("ada@example.org", "Ada").key().secret();
      accounts
          .service()
          .logout(accounts.authenticator().authenticate(revoked), RequestContext.OPERATOR);
      lookups.set(0);

      for (int i = 0; i < 100; i++) {
        assertThatThrownBy(() -> accounts.authenticator().authenticate(revoked))
            .isInstanceOf(HarmontException.class)
            .extracting(e -> ((HarmontException) e).code())
            .isEqualTo(ErrorCode.UNAUTHORIZED);
      }
      assertThat(lookups.get()).isEqualTo(1);
      clock.advance(AuthCache.MISS_TTL);
      assertThatThrownBy(() -> accounts.authenticator().authenticate(revoked))
          .isInstanceOf(HarmontException.class);
      assertThat(lookups.get()).isEqualTo(2);

      // A malformed token is refused before any lookup.
      assertThatThrownBy(() -> accounts.authenticator().authenticate("hm_not a token"))
          .isInstanceOf(HarmontException.class);
      assertThat(lookups.get()).isEqualTo(2);

      // A key that authenticates is never recorded as a miss, even right after a miss.
      String live = accounts.service().issueApiToken("ada@example.org", null, null).secret();
      for (int i = 0; i < 3; i++) {
        assertThat(accounts.authenticator().authenticate(live).user().email())
            .isEqualTo("ada@example.org");
        clock.advance(Duration.ofMinutes(10)); // past the token cache's TTL: looked up again
      }
      assertThat(accounts.authenticator().cachedMisses()).isLessThanOrEqualTo(1);
    }
  }

  private static Accounts open(TokenStore tokens, Database db, MutableClock clock) {
    return Accounts.open(
        new StoresWithTokens(db, tokens),
        new AccountSettings(
            1000,
            AccountSettings.DEFAULT_MAX_DESCRIPTION_LENGTH,
            AccountSettings.DEFAULT_SESSION_TTL,
            AccountSettings.DEFAULT_EVENT_RETENTION,
            new AuthCacheSettings(Duration.ofMinutes(5), 10)),
        clock,
        Runnable::run,
        AuthOutcome.Listener.NONE);
  }
}
