package dev.harmont.server.account;

import java.time.Duration;

/**
 * The authentication cache: how long a validated token may be served from memory, and how many.
 *
 * <p>Two lifetimes. {@code ttl} is the short one, and the bound on how stale a node can be about a
 * change made elsewhere when nothing tells it: on SQLite always (an admin command in another
 * process), and on PostgreSQL whenever the node's listening connection is not up. {@code
 * notifiedTtl} is the long one, used on PostgreSQL while the node listens to the changes every node
 * announces ({@code LISTEN}/{@code NOTIFY}): each change then reaches every node within
 * milliseconds, so an entry only needs to be looked up again that rarely.
 *
 * @param ttl how long an entry lives without notifications; zero switches the cache off
 * @param notifiedTtl how long an entry lives while notifications arrive; not longer than {@code
 *     ttl} (zero, say) switches notifications off
 * @param maxEntries entries kept at most (least recently used go first)
 */
public record AuthCacheSettings(Duration ttl, Duration notifiedTtl, int maxEntries) {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_NOTIFIED_TTL = Duration.ofSeconds(60);
  public static final AuthCacheSettings DEFAULTS =
      new AuthCacheSettings(DEFAULT_TTL, DEFAULT_NOTIFIED_TTL, 100_000);
  public static final AuthCacheSettings OFF =
      new AuthCacheSettings(Duration.ZERO, Duration.ZERO, 0);

  public AuthCacheSettings {
    if (ttl.isNegative() || notifiedTtl.isNegative() || maxEntries < 0) {
      throw new IllegalArgumentException("ttl, notifiedTtl and maxEntries must not be negative");
    }
  }

  /** Settings with the default {@link #DEFAULT_NOTIFIED_TTL}. */
  public AuthCacheSettings(Duration ttl, int maxEntries) {
    this(ttl, DEFAULT_NOTIFIED_TTL, maxEntries);
  }

  /** The same settings without notifications: entries live {@code ttl}, as on SQLite. */
  public AuthCacheSettings withoutNotifications() {
    return new AuthCacheSettings(ttl, Duration.ZERO, maxEntries);
  }

  boolean enabled() {
    return !ttl.isZero() && maxEntries > 0;
  }

  /** True when a node should listen for changes: the cache is on and the long TTL is longer. */
  public boolean notified() {
    return enabled() && notifiedTtl.compareTo(ttl) > 0;
  }
}
