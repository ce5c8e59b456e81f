package dev.harmont.server.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Cuts the cost of garbage credentials: counts refused credentials per client address in a fixed
 * window and, past the limit, answers that address's <em>refused</em> credentials with 429 {@code
 * rate_limited} and {@code Retry-After} instead of 401. It never refuses anything by itself: a
 * credential that authenticates is served whatever its address did (behind a NAT, a proxy or a CI
 * runner, one stale script must not lock out its neighbours; a 256-bit secret cannot be guessed, so
 * blocking valid credentials would protect nothing). Other addresses are never affected.
 *
 * <p>What counts as a failure is for the caller to decide; only credentials that were presented and
 * refused should count (a request without any is a plain 401 and costs nothing). Code that checks
 * other secrets (sign-in links, CLI grant codes) uses the same instance:
 *
 * <pre>{@code
 * try {
 *   return redeem(code);
 * } catch (HarmontException refused) {
 *   throw throttle.refuse(clientAddress, refused); // counts; 429 past the limit, else `refused`
 * }
 * }</pre>
 *
 * or the two halves, {@link #isBlocked} before answering and {@link #recordFailure} after a
 * failure. Memory is bounded: at most {@link #MAX_TRACKED} addresses, the least recently seen
 * forgotten first, each forgotten a window after its last failure. Counters are per process: with
 * several nodes an address gets the allowance on each.
 */
public final class AuthThrottle {
  static final int MAX_TRACKED = 100_000;

  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final Cache<String, Window> failures;

  /**
   * @param limit refused credentials allowed per address and window; 0 switches the throttle off
   */
  public AuthThrottle(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
    this.failures =
        Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(window).build();
  }

  /**
   * True when {@code address} has used up its allowance in the current window: its next refused
   * credential is answered 429. Says nothing about credentials that authenticate, which are always
   * served.
   */
  public boolean isBlocked(String address) {
    return retryAfterSeconds(address) > 0;
  }

  /** Whole seconds until the allowance of {@code address} comes back (at least 1), else 0. */
  public long retryAfterSeconds(String address) {
    if (limit == 0) {
      return 0;
    }
    Window current = failures.getIfPresent(address);
    return current == null ? 0 : current.blockedFor(clock.instant(), limit, window);
  }

  /** Counts one refused credential from {@code address}. */
  public void recordFailure(String address) {
    if (limit == 0) {
      return;
    }
    Instant now = clock.instant();
    failures
        .asMap()
        .compute(
            address,
            (k, w) -> w == null || w.isOver(now, window) ? new Window(now, 1) : w.plusOne());
  }

  /**
   * Counts a refused credential and says how to answer it: {@code refusal} itself while the address
   * is within its allowance, {@link ErrorCode#RATE_LIMITED} with {@code Retry-After} once it is
   * over (the failure that reaches the limit is the last one answered with {@code refusal}).
   */
  public HarmontException refuse(String address, HarmontException refusal) {
    long retryAfter = retryAfterSeconds(address);
    recordFailure(address);
    return retryAfter > 0
        ? new HarmontException(ErrorCode.RATE_LIMITED).withRetryAfter(retryAfter)
        : refusal;
  }

  /**
   * {@link #refuse} for an error that says a credential, link or challenge was wrong ({@code e}'s
   * code is one of {@code guesses}); any other error (a malformed body, a bad nickname) is not a
   * guess and passes unchanged.
   */
  public HarmontException refuseIf(Set<ErrorCode> guesses, String address, HarmontException e) {
    return guesses.contains(e.code()) ? refuse(address, e) : e;
  }

  /** Failures counted since {@code start}. Immutable, replaced on each failure. */
  private record Window(Instant start, int count) {
    Window plusOne() {
      return new Window(start, count == Integer.MAX_VALUE ? count : count + 1);
    }

    boolean isOver(Instant now, Duration window) {
      return !now.isBefore(start.plus(window));
    }

    /** Whole seconds until the window ends (at least 1) when over the limit, else 0. */
    long blockedFor(Instant now, int limit, Duration window) {
      if (count < limit || isOver(now, window)) {
        return 0;
      }
      long millis = Duration.between(now, start.plus(window)).toMillis();
      return Math.max(1, (millis + 999) / 1000);
    }
  }
}
