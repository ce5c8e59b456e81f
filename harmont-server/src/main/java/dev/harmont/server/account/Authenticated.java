package dev.harmont.server.account;

import java.time.Instant;

/**
 * Who is calling: the user and the very token they presented.
 *
 * @param previousSecretEndsAt null when the caller presented the token's current secret; when it
 *     presented the secret a rotation replaced, the instant that secret stops working (the end of
 *     the grace period, or the key's expiry if sooner). Checked on every authentication, so a
 *     cached entry never outlives it.
 */
public record Authenticated(User user, ApiToken token, Instant previousSecretEndsAt) {
  public Authenticated(User user, ApiToken token) {
    this(user, token, null);
  }

  /** True when this credential may no longer authenticate at {@code now}. */
  public boolean isExpiredAt(Instant now) {
    return token.isExpiredAt(now)
        || (previousSecretEndsAt != null && !now.isBefore(previousSecretEndsAt));
  }
}
