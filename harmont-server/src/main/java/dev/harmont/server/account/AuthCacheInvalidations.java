package dev.harmont.server.account;

import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

/**
 * What a node hears about changes made through any node (PostgreSQL {@code LISTEN}), for its
 * authentication cache. The listener calls these from its own thread, in the order it hears them.
 *
 * <p>Cached entries older than the short TTL are served only while the listener keeps confirming
 * that it has heard everything: {@link #caughtUpTo} with an instant less than one short TTL ago.
 * When it stops confirming (its connection died, or hangs), the cache falls back to the short TTL
 * by itself, without waiting to be told.
 */
public interface AuthCacheInvalidations {
  /** Tokens that stopped authenticating (revoked, logged out, deleted), by their SHA-256 hash. */
  void forgetTokens(Collection<String> tokenHashes);

  /** Users whose cached data is stale (renamed), or whose tokens all ended (account deleted). */
  void forgetUsers(Collection<UUID> userIds);

  /**
   * Forgets everything and serves nothing older than the short TTL until the next {@link
   * #caughtUpTo}: the listener lost its connection, or has just (re)connected and cannot know what
   * it missed.
   */
  void forgetAll();

  /**
   * Every change committed before {@code instant} (read from the service's clock before a round
   * trip to the database that began after it) has been passed to this object.
   */
  void caughtUpTo(Instant instant);
}
