package dev.harmont.server.account;

import java.time.Duration;

/**
 * The authentication cache: how long a validated token may be served from memory, and how many. The
 * TTL is also the bound on how stale another node can be after a revocation here (nodes do not tell
 * each other), so it stays at one second or less by default.
 *
 * @param ttl how long an entry lives; zero switches the cache off
 * @param maxEntries entries kept at most (least recently used go first)
 */
public record AuthCacheSettings(Duration ttl, int maxEntries) {
  public static final AuthCacheSettings DEFAULTS =
      new AuthCacheSettings(Duration.ofSeconds(1), 100_000);
  public static final AuthCacheSettings OFF = new AuthCacheSettings(Duration.ZERO, 0);

  public AuthCacheSettings {
    if (ttl.isNegative() || maxEntries < 0) {
      throw new IllegalArgumentException("ttl and maxEntries must not be negative");
    }
  }

  boolean enabled() {
    return !ttl.isZero() && maxEntries > 0;
  }
}
