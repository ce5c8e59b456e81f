package dev.harmont.server.account;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;

/** Drives Caffeine's expiry from the service's clock, so that tests can move time. */
final class ClockTicker {
  private ClockTicker() {}

  static Ticker of(Clock clock) {
    return () -> nanos(clock.instant());
  }

  /** {@code instant} on the ticker's scale. */
  static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }
}
