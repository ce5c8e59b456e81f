package dev.harmont.server.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validated token hashes and who they belong to, for at most the TTL. The size is bounded. Every
 * change made on this node forgets what it affects before the change returns, and an epoch counter
 * stops a lookup that raced with a change from putting back what the change removed. Other nodes
 * see the change once their entry's TTL ends.
 *
 * <p>Apart from those, the hashes that just failed a lookup, in a small cache of their own ({@link
 * #MAX_MISSES} entries for {@link #MISS_TTL}): a client repeating the same unknown or revoked token
 * (a stale script in a loop) costs one lookup per TTL, not one per request. A cached miss can never
 * hide a key, even one created afterwards by another process: a secret is 256 random bits that
 * exist nowhere before the key is created, so nobody can present it before that (only a guess
 * could, and a guess wins with probability 2^-256). Only an empty lookup is recorded; a lookup that
 * found the token, even an expired one, never is. Distinct garbage tokens each cost one lookup and
 * evict one another; what limits them is {@code AuthThrottle}.
 */
final class AuthCache {
  static final int MAX_MISSES = 10_000;
  static final Duration MISS_TTL = Duration.ofSeconds(5);

  private final Cache<String, Authenticated> entries;
  private final Cache<String, Boolean> misses;
  private final AtomicLong epoch = new AtomicLong();

  AuthCache(AuthCacheSettings settings, Clock clock) {
    this.misses =
        Caffeine.newBuilder()
            .maximumSize(MAX_MISSES)
            .expireAfterWrite(MISS_TTL.toNanos(), TimeUnit.NANOSECONDS)
            .ticker(ClockTicker.of(clock))
            .build();
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

  /** True when {@code hash} failed a lookup within the last {@link #MISS_TTL}. */
  boolean isRecentMiss(String hash) {
    return misses.getIfPresent(hash) != null;
  }

  /** Records that no token has {@code hash}; call only after a lookup that found nothing. */
  void putMiss(String hash) {
    misses.put(hash, Boolean.TRUE);
  }

  long recentMisses() {
    misses.cleanUp();
    return misses.estimatedSize();
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
