package dev.harmont.server.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * The hot path: who a presented bearer secret belongs to. Owns the state that path keeps — the
 * authentication cache ({@link AuthCache}), the {@code last_used_at} writer and the outcome
 * listener (metrics) — and the statistics they expose. The account rules live in {@link
 * AccountService}, which tells this class what its changes made stale ({@link #forgetToken}, {@link
 * #forgetUser}) before they return.
 *
 * <p>A newcomer reads the whole path here: shape check, SHA-256, cache, one indexed lookup, expiry.
 */
public final class Authenticator {
  /** {@code last_used_at} is written at most once per key in this interval. */
  public static final Duration LAST_USED_INTERVAL = Duration.ofSeconds(60);

  private final TokenStore tokens;
  private final Clock clock;
  private final AuthCache cache;
  private final LastUsedWriter lastUsed;
  private final AuthOutcome.Listener outcomes;

  /**
   * @param cache how long validated tokens are served from memory
   * @param background runs the {@code last_used_at} writes ({@code Runnable::run} writes them
   *     inline, which tests use)
   * @param outcomes told whether each {@link #authenticate} succeeded, or why not (for metrics)
   */
  Authenticator(
      TokenStore tokens,
      AuthCacheSettings cache,
      Clock clock,
      Executor background,
      AuthOutcome.Listener outcomes) {
    this.tokens = tokens;
    this.clock = clock;
    this.cache = new AuthCache(cache, clock);
    this.lastUsed = new LastUsedWriter(tokens, background, clock);
    this.outcomes = outcomes;
  }

  /**
   * Resolves a raw bearer secret to its user and token. A malformed secret is refused before any
   * hashing or lookup; a hash that failed a lookup in the last few seconds is refused without
   * another one.
   *
   * <p>A key in the checksummed format ({@code hm_} + 49 base62 characters) whose checksum does not
   * match is refused here, before the cache or the database: it cannot be a key we minted.
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when it is malformed, unknown, revoked,
   *     or expired, or a replaced secret whose grace period is over
   */
  public Authenticated authenticate(String secret) {
    if (!Secrets.isPresentable(secret)
        || (Secrets.hasChecksummedShape(secret) && !Secrets.checksumMatches(secret))) {
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String hash = Secrets.hash(secret);
    Authenticated who = cache.get(hash);
    if (who == null) {
      who = lookUp(hash);
    }
    // Checked on every request, cached or not: no entry outlives its key's own expires_at, nor a
    // replaced secret its grace period, whatever the TTL.
    if (who.isExpiredAt(now)) {
      outcomes.outcome(AuthOutcome.EXPIRED);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    lastUsed.used(who.token(), now);
    outcomes.outcome(AuthOutcome.OK);
    return who;
  }

  /** The uncached path: one indexed lookup, unless the same hash just failed one. */
  private Authenticated lookUp(String hash) {
    if (cache.isRecentMiss(hash)) {
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    AuthCache.Stamp before = cache.stamp();
    Authenticated who = tokens.findByHash(hash).orElse(null);
    if (who == null) {
      cache.putMiss(hash);
      outcomes.outcome(AuthOutcome.UNKNOWN);
      throw new HarmontException(ErrorCode.UNAUTHORIZED);
    }
    cache.put(hash, who, before);
    return who;
  }

  /** A token changed or ended on this node: its entries go before the change returns. */
  void forgetToken(UUID tokenId) {
    cache.forgetToken(tokenId);
  }

  /** A user changed (renamed) or ended (deleted) on this node. */
  void forgetUser(UUID userId) {
    cache.forgetUser(userId);
  }

  /**
   * Where the PostgreSQL listener passes on what other nodes changed (see {@link
   * AuthCacheSettings#notifiedTtl}).
   */
  public AuthCacheInvalidations cacheInvalidations() {
    return cache;
  }

  /**
   * True while the authentication cache serves entries for the notified TTL: the listener confirmed
   * less than one short TTL ago that it has heard every change.
   */
  public boolean cacheListening() {
    return cache.listening();
  }

  /** Tokens held by the authentication cache now (for tests and metrics). */
  public long cachedTokens() {
    return cache.size();
  }

  /** Authentications the cache answered since start (0 when the cache is off). */
  public long cacheHits() {
    return cache.hits();
  }

  /** Authentications that went to the database because the cache had no entry (0 when off). */
  public long cacheMisses() {
    return cache.misses();
  }

  /** Hashes held by the cache of recent failed lookups now (for tests). */
  long cachedMisses() {
    return cache.recentMisses();
  }
}
