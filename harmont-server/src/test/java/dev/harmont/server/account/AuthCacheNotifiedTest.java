package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rules that let the cache keep entries for the notified TTL without ever serving an ended
 * credential longer than the short TTL after a notification could have been missed. The listener's
 * side is played by calling {@link AuthCacheInvalidations} directly, on a clock the test moves.
 */
class AuthCacheNotifiedTest {
  private static final Duration SHORT = Duration.ofSeconds(1);
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final AuthCache cache = new AuthCache(new AuthCacheSettings(SHORT, LONG, 1000), clock);

  private static Authenticated who(UUID userId) {
    User user = new User(userId, "a@example.org", "A", UUID.randomUUID(), "a", T0, T0);
    ApiToken token =
        new ApiToken(
            UUID.randomUUID(), userId, TokenKind.PERSONAL, null, null, T0, null, null, null);
    return new Authenticated(user, token);
  }

  private Authenticated cached(String hash) {
    Authenticated who = who(UUID.randomUUID());
    cache.put(hash, who, cache.stamp());
    return who;
  }

  /** What a listener that heard everything says, every quarter of the short TTL. */
  private void listenFor(Duration total) {
    Duration step = SHORT.dividedBy(4);
    for (Duration d = Duration.ZERO; d.compareTo(total) < 0; d = d.plus(step)) {
      clock.advance(step);
      cache.caughtUpTo(clock.instant());
    }
  }

  @Test
  void withoutAListenerAnEntryLivesTheShortTtlOnly() {
    Authenticated who = cached("h");

    clock.advance(SHORT.minusNanos(1000));
    Authenticated justBefore = cache.get("h");
    clock.advance(Duration.ofNanos(1000));

    assertThat(justBefore).isEqualTo(who);
    assertThat(cache.get("h")).isNull();
    assertThat(cache.listening()).isFalse();
  }

  @Test
  void whileTheListenerConfirmsAnEntryLivesTheNotifiedTtl() {
    cache.caughtUpTo(clock.instant());
    Authenticated who = cached("h");

    listenFor(LONG.minusSeconds(1));
    Authenticated late = cache.get("h");
    listenFor(Duration.ofSeconds(1));

    assertThat(cache.listening()).isTrue();
    assertThat(late).isEqualTo(who);
    assertThat(cache.get("h")).as("never past the notified TTL").isNull();
  }

  @Test
  void whenConfirmationsStopAnOldEntryIsRefusedOneShortTtlAfterTheLastOne() {
    cache.caughtUpTo(clock.instant());
    Authenticated who = cached("h");
    listenFor(Duration.ofSeconds(10));
    // The listener's connection hangs from here on: nothing is reported, confirmations just stop.

    clock.advance(SHORT.minusMillis(1));
    Authenticated stillServed = cache.get("h");
    clock.advance(Duration.ofMillis(1));

    assertThat(stillServed).isEqualTo(who);
    assertThat(cache.get("h")).isNull();
    assertThat(cache.listening()).isFalse();
  }

  @Test
  void losingTheListenerForgetsEverythingAtOnceAndOnlyNewEntriesAreServed() {
    cache.caughtUpTo(clock.instant());
    cached("old");
    AuthCache.Stamp lookupBeganBefore = cache.stamp();
    listenFor(Duration.ofSeconds(5));

    cache.forgetAll();
    cache.put("raced", who(UUID.randomUUID()), lookupBeganBefore);
    Authenticated fresh = cached("fresh");

    assertThat(cache.get("old")).isNull();
    assertThat(cache.get("raced")).as("a lookup from before the loss").isNull();
    assertThat(cache.listening()).isFalse();
    assertThat(cache.get("fresh")).isEqualTo(fresh);
    clock.advance(SHORT);
    assertThat(cache.get("fresh")).as("the short TTL until confirmed again").isNull();
  }

  @Test
  void aNoticeForgetsThoseHashesAndALookupThatRacedItCannotPutThemBack() {
    cache.caughtUpTo(clock.instant());
    cached("revoked");
    Authenticated kept = cached("kept");
    AuthCache.Stamp lookupBeganBefore = cache.stamp();

    cache.forgetTokens(List.of("revoked"));
    cache.put("revoked", who(UUID.randomUUID()), lookupBeganBefore);

    assertThat(cache.get("revoked")).isNull();
    assertThat(cache.get("kept")).isEqualTo(kept);
  }

  @Test
  void aUserNoticeForgetsEveryEntryOfThatUserOnly() {
    cache.caughtUpTo(clock.instant());
    UUID userId = UUID.randomUUID();
    cache.put("key", who(userId), cache.stamp());
    cache.put("session", who(userId), cache.stamp());
    Authenticated other = cached("other");

    cache.forgetUsers(List.of(userId));

    assertThat(cache.get("key")).isNull();
    assertThat(cache.get("session")).isNull();
    assertThat(cache.get("other")).isEqualTo(other);
  }

  @Test
  void theNotifiedTtlIsIgnoredWhenItIsNotLongerThanTheShortOne() {
    AuthCache plain =
        new AuthCache(new AuthCacheSettings(SHORT, LONG, 1000).withoutNotifications(), clock);
    plain.caughtUpTo(clock.instant());
    plain.put("h", who(UUID.randomUUID()), plain.stamp());

    clock.advance(SHORT);
    plain.caughtUpTo(clock.instant());

    assertThat(plain.get("h")).isNull();
    assertThat(plain.listening()).isFalse();
  }
}
