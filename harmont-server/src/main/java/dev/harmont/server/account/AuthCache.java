package dev.harmont.server.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Validated token hashes and who they belong to. Only successful lookups are kept (an attacker's
 * guesses never take memory) and the size is bounded. Every change made on this node forgets what
 * it affects before the change returns, and an epoch counter stops a lookup that raced with a
 * change from putting back what the change removed.
 *
 * <p>An entry is served for the short TTL. Past that, up to the notified TTL, only while the
 * listener (PostgreSQL {@code LISTEN}, see {@link AuthCacheInvalidations}) has confirmed less than
 * one short TTL ago that it has passed on every change committed until then. So a change made
 * through another node is refused here as soon as its notification arrives, and, whatever happens
 * to the listener, never later than one short TTL after it was committed: a change not yet heard of
 * was committed after the last confirmation, and an entry older than the short TTL is refused once
 * that confirmation is one short TTL old.
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
final class AuthCache implements AuthCacheInvalidations {
  static final int MAX_MISSES = 10_000;
  static final Duration MISS_TTL = Duration.ofSeconds(5);

  private static final long NEVER = Long.MIN_VALUE;

  /** What {@link #put} needs from the moment before the lookup. */
  record Stamp(long epoch, long nanos) {}

  private record Entry(Authenticated who, long storedAt) {}

  private final Cache<String, Entry> entries;
  private final Ticker ticker;
  private final long ttlNanos;
  private final boolean notified;
  private final Cache<String, Boolean> misses;
  private final AtomicLong epoch = new AtomicLong();
  // Ticker time of the latest caughtUpTo; NEVER while the listener is not confirmed connected.
  private volatile long caughtUpTo = NEVER;

  AuthCache(AuthCacheSettings settings, Clock clock) {
    this.ticker = ClockTicker.of(clock);
    this.ttlNanos = settings.ttl().toNanos();
    this.notified = settings.notified();
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
                .expireAfterWrite(
                    (notified ? settings.notifiedTtl() : settings.ttl()).toNanos(),
                    TimeUnit.NANOSECONDS)
                .ticker(ticker)
                .recordStats() // LongAdders: no lock on the request path
                .build()
            : null;
  }

  /** Read it before the lookup, and pass it to {@link #put}. */
  Stamp stamp() {
    return new Stamp(epoch.get(), ticker.read());
  }

  Authenticated get(String hash) {
    if (entries == null) {
      return null;
    }
    Entry entry = entries.getIfPresent(hash);
    if (entry == null) {
      return null;
    }
    long now = ticker.read();
    if (now - entry.storedAt() < ttlNanos) {
      return entry.who();
    }
    long confirmed = caughtUpTo;
    if (notified && confirmed != NEVER && now - confirmed < ttlNanos) {
      return entry.who();
    }
    return null;
  }

  /**
   * Keeps {@code who}, as of the moment of {@code before}, unless something was forgotten since
   * then.
   */
  void put(String hash, Authenticated who, Stamp before) {
    if (entries == null) {
      return;
    }
    Entry entry = new Entry(who, before.nanos());
    entries.asMap().compute(hash, (k, old) -> epoch.get() == before.epoch() ? entry : old);
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
      entries.asMap().values().removeIf(e -> e.who().token().id().equals(tokenId));
    }
  }

  void forgetUser(UUID userId) {
    epoch.incrementAndGet();
    if (entries != null) {
      entries.asMap().values().removeIf(e -> e.who().user().id().equals(userId));
    }
  }

  @Override
  public void forgetTokens(Collection<String> tokenHashes) {
    epoch.incrementAndGet();
    if (entries != null) {
      entries.invalidateAll(tokenHashes);
    }
  }

  @Override
  public void forgetUsers(Collection<UUID> userIds) {
    epoch.incrementAndGet();
    if (entries != null) {
      Set<UUID> ids = new HashSet<>(userIds);
      entries.asMap().values().removeIf(e -> ids.contains(e.who().user().id()));
    }
  }

  @Override
  public void forgetAll() {
    caughtUpTo = NEVER; // first: from here on nothing older than the short TTL is served
    epoch.incrementAndGet();
    if (entries != null) {
      entries.invalidateAll();
    }
  }

  @Override
  public void caughtUpTo(Instant instant) {
    caughtUpTo = ClockTicker.nanos(instant);
  }

  /** True while the listener's latest confirmation is less than one short TTL old. */
  boolean listening() {
    long confirmed = caughtUpTo;
    return notified && confirmed != NEVER && ticker.read() - confirmed < ttlNanos;
  }
}
