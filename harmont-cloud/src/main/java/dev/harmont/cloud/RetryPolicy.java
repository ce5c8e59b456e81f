package dev.harmont.cloud;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The one retry policy: which failures are retried and how long to wait first. Whether a call may
 * be retried at all (only idempotent operations) is the transport's decision; this class only knows
 * statuses and delays.
 *
 * <p>Delays grow exponentially (0.5 s, 1 s, 2 s, … capped at 8 s) with "equal jitter" (a random
 * point in the upper half of the step), so many clients failing together do not retry together. A
 * {@code Retry-After} header from the server wins over the computed delay; one asking for more than
 * a minute is not waited for (the error is thrown instead, so a caller's thread is never parked for
 * an hour on a server's say-so).
 */
final class RetryPolicy {
  static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  private final int maxRetries;
  private final DoubleSupplier random;
  private final Clock clock;

  /**
   * @param maxRetries retries after the first attempt, 0 for none
   * @param random uniform values in [0, 1) for the jitter
   * @param clock "now", for a {@code Retry-After} given as an HTTP date
   */
  RetryPolicy(int maxRetries, DoubleSupplier random, Clock clock) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be 0 or more, got " + maxRetries);
    }
    this.maxRetries = maxRetries;
    this.random = random;
    this.clock = clock;
  }

  int maxRetries() {
    return maxRetries;
  }

  /** 429 (rate limited) and the statuses a gateway or an overloaded server answers with. */
  static boolean isRetryableStatus(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry), or empty when the server
   * asked for a longer wait than {@link #MAX_RETRY_AFTER}.
   */
  Optional<Duration> delayBeforeRetry(int retry, Optional<String> retryAfterHeader) {
    Optional<Duration> asked = retryAfterHeader.flatMap(this::parseRetryAfter);
    if (asked.isPresent()) {
      return asked.get().compareTo(MAX_RETRY_AFTER) > 0 ? Optional.empty() : asked;
    }
    return Optional.of(backoff(retry));
  }

  /** Exponential backoff with equal jitter: a value in [step/2, step). */
  Duration backoff(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry counts from 1, got " + retry);
    }
    long cap = MAX_BACKOFF.toMillis();
    long step = Math.min(cap, INITIAL_BACKOFF.toMillis() << Math.min(retry - 1, 20));
    long half = step / 2;
    return Duration.ofMillis(half + (long) (random.getAsDouble() * (step - half)));
  }

  /**
   * {@code Retry-After} per RFC 9110: a number of seconds or an HTTP date; a date in the past means
   * "now". Anything else is ignored (empty).
   */
  Optional<Duration> parseRetryAfter(String value) {
    String text = value.strip();
    if (text.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
    }
    try {
      Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(clock.instant(), at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
