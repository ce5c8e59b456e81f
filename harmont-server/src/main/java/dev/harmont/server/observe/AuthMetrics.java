package dev.harmont.server.observe;

import dev.harmont.server.account.AuthOutcome;
import dev.harmont.server.account.Authenticator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Authentication outcomes ({@code harmont_auth_attempts_total{outcome}}), one counter per {@link
 * AuthOutcome} made up front, and the authentication cache's hits, misses and size, read from the
 * cache's own statistics when scraped.
 */
public final class AuthMetrics implements AuthOutcome.Listener {
  private final Counter[] counters = new Counter[AuthOutcome.values().length];

  public AuthMetrics(MeterRegistry registry) {
    for (AuthOutcome outcome : AuthOutcome.values()) {
      counters[outcome.ordinal()] =
          Counter.builder("harmont.auth.attempts")
              .description(
                  "Bearer authentications by outcome (a revoked key counts as unknown: its row is"
                      + " gone).")
              .tag("outcome", outcome.label())
              .register(registry);
    }
  }

  @Override
  public void outcome(AuthOutcome outcome) {
    counters[outcome.ordinal()].increment();
  }

  /** The authentication cache's hits and misses since start, and its current size. */
  public static void bindCache(MeterRegistry registry, Authenticator authenticator) {
    FunctionCounter.builder("harmont.auth.cache.requests", authenticator, Authenticator::cacheHits)
        .description("Authentication-cache lookups: hit (no database) or miss.")
        .tag("result", "hit")
        .register(registry);
    FunctionCounter.builder(
            "harmont.auth.cache.requests", authenticator, Authenticator::cacheMisses)
        .description("Authentication-cache lookups: hit (no database) or miss.")
        .tag("result", "miss")
        .register(registry);
    Gauge.builder("harmont.auth.cache.entries", authenticator, Authenticator::cachedTokens)
        .description("Validated tokens held in memory now.")
        .register(registry);
  }
}
