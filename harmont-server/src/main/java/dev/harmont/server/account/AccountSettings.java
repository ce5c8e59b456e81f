package dev.harmont.server.account;

import java.time.Duration;

/**
 * What the account domain can be told, each default and bound a named constant written once here
 * (HikariConfig's style): the command line, the server's configuration and the operator commands
 * all read them from this class, and the domain enforces the bounds for every caller.
 *
 * @param maxLiveKeysPerUser personal keys (not revoked, not expired) a user may hold at once
 * @param maxDescriptionLength code points in a key description
 * @param sessionTtl lifetime of the session tokens a sign-in gives, {@link #MIN_SESSION_TTL} to
 *     {@link #MAX_SESSION_TTL}
 * @param eventRetention how long security events are kept and listed
 * @param authCache how long validated tokens are served from memory
 */
public record AccountSettings(
    int maxLiveKeysPerUser,
    int maxDescriptionLength,
    Duration sessionTtl,
    Duration eventRetention,
    AuthCacheSettings authCache) {

  public static final int DEFAULT_MAX_LIVE_KEYS_PER_USER = 100;
  public static final int DEFAULT_MAX_DESCRIPTION_LENGTH = 255;

  /** A working day: long enough not to interrupt, short enough that a lost token soon dies. */
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);

  /** The shortest session anyone may start or configure. */
  public static final Duration MIN_SESSION_TTL = Duration.ofMinutes(1);

  /** The longest session: a session is a bearer secret kept by a browser, it must end. */
  public static final Duration MAX_SESSION_TTL = Duration.ofDays(30);

  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(90);

  public static final AccountSettings DEFAULTS =
      new AccountSettings(
          DEFAULT_MAX_LIVE_KEYS_PER_USER,
          DEFAULT_MAX_DESCRIPTION_LENGTH,
          DEFAULT_SESSION_TTL,
          DEFAULT_EVENT_RETENTION,
          AuthCacheSettings.DEFAULTS);

  public AccountSettings {
    if (maxLiveKeysPerUser <= 0) {
      throw new IllegalArgumentException("maxLiveKeysPerUser must be positive");
    }
    if (maxDescriptionLength <= 0) {
      throw new IllegalArgumentException("maxDescriptionLength must be positive");
    }
    if (!isSessionTtl(sessionTtl)) {
      throw new IllegalArgumentException(
          "sessionTtl must be from " + MIN_SESSION_TTL + " to " + MAX_SESSION_TTL);
    }
    if (eventRetention == null || eventRetention.isNegative() || eventRetention.isZero()) {
      throw new IllegalArgumentException("eventRetention must be positive");
    }
    if (authCache == null) {
      throw new IllegalArgumentException("authCache must be given");
    }
  }

  /** True for a session lifetime within {@link #MIN_SESSION_TTL}..{@link #MAX_SESSION_TTL}. */
  public static boolean isSessionTtl(Duration ttl) {
    return ttl != null
        && ttl.compareTo(MIN_SESSION_TTL) >= 0
        && ttl.compareTo(MAX_SESSION_TTL) <= 0;
  }
}
