package dev.harmont.server.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validated token hashes and who they belong to, for at most the TTL. Only successful lookups are
 * kept (an attacker's guesses never take memory) and the size is bounded. Every change made on this
 * node forgets what it affects before the change returns, and an epoch counter stops a lookup that
 * raced with a change from putting back what the change removed. Other nodes see the change once
 * their entry's TTL ends.
 */
final class AuthCache {
  private final Cache<String, Authenticated> entries;
  private final AtomicLong epoch = new AtomicLong();

  AuthCache(AuthCacheSettings settings, Clock clock) {
    this.entries =
        settings.enabled()
            ? Caffeine.newBuilder()
                .maximumSize(settings.maxEntries())
                .expireAfterWrite(settings.ttl().toNanos(), TimeUnit.NANOSECONDS)
                .ticker(ClockTicker.of(clock))
                .recordStats() // LongAdders: no lock on the request path
                .build()
            : null;
  }

  /** The epoch to pass to {@link #put}; read it before the lookup. */
  long epoch() {
    return epoch.get();
  }

  Authenticated get(String hash) {
    return entries == null ? null : entries.getIfPresent(hash);
  }

  /** Keeps {@code who} unless something was forgotten since {@code epochBeforeLookup}. */
  void put(String hash, Authenticated who, long epochBeforeLookup) {
    if (entries == null) {
      return;
    }
    entries.asMap().compute(hash, (k, old) -> epoch.get() == epochBeforeLookup ? who : old);
  }

  long hits() {
    return entries == null ? 0 : entries.stats().hitCount();
  }

  long misses() {
    return entries == null ? 0 : entries.stats().missCount();
  }

  long size() {
    if (entries == null) {
      return 0;
    }
    entries.cleanUp();
    return entries.estimatedSize();
  }

  void forgetToken(UUID tokenId) {
    epoch.incrementAndGet();
    if (entries != null) {
      entries.asMap().values().removeIf(a -> a.token().id().equals(tokenId));
    }
  }

  void forgetUser(UUID userId) {
    epoch.incrementAndGet();
    if (entries != null) {
      entries.asMap().values().removeIf(a -> a.user().id().equals(userId));
    }
  }
}
