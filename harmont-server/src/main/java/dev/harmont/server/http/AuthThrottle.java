package dev.harmont.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Brute-force protection: counts failed authentications per client address in a fixed window; past
 * the limit, every authenticated request from that address is answered 429 {@code rate_limited}
 * with {@code Retry-After} until the window ends, without looking at the token. Other addresses are
 * never affected. Memory is bounded: at most {@link #MAX_TRACKED} addresses are tracked, the least
 * recently seen forgotten first.
 */
final class AuthThrottle {
  static final int MAX_TRACKED = 100_000;

  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final Cache<String, Window> failures;

  /**
   * @param limit failures allowed per window; 0 switches the throttle off
   */
  AuthThrottle(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
    this.failures =
        Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(window).build();
  }

  /** Throws {@link ErrorCode#RATE_LIMITED} when {@code client} is over the limit. */
  void check(String client) {
    if (limit == 0) {
      return;
    }
    Window current = failures.getIfPresent(client);
    if (current == null) {
      return;
    }
    long retryAfter = current.blockedFor(clock.instant(), limit, window);
    if (retryAfter > 0) {
      throw new HarmontException(ErrorCode.RATE_LIMITED).withRetryAfter(retryAfter);
    }
  }

  void recordFailure(String client) {
    if (limit == 0) {
      return;
    }
    Instant now = clock.instant();
    failures
        .asMap()
        .compute(
            client,
            (k, w) -> w == null || w.isOver(now, window) ? new Window(now, 1) : w.plusOne());
  }

  /** Failures counted since {@code start}. Immutable, replaced on each failure. */
  private record Window(Instant start, int count) {
    Window plusOne() {
      return new Window(start, count + 1);
    }

    boolean isOver(Instant now, Duration window) {
      return !now.isBefore(start.plus(window));
    }

    /** Whole seconds until the block lifts (at least 1), or 0 when not blocked. */
    long blockedFor(Instant now, int limit, Duration window) {
      if (count < limit || isOver(now, window)) {
        return 0;
      }
      long millis = Duration.between(now, start.plus(window)).toMillis();
      return Math.max(1, (millis + 999) / 1000);
    }
  }
}
