package dev.harmont.server.account;

import java.util.Locale;

/**
 * What became of one authentication attempt, for metrics. A revoked key cannot be told from one
 * that never existed: revoking deletes the key's row (only its hash was there), so both are {@link
 * #UNKNOWN}, as are the keys of a deleted account.
 */
public enum AuthOutcome {
  /** The token belongs to a live key or session. */
  OK,
  /** No {@code Authorization} header, or not the Bearer scheme. */
  MISSING,
  /** A bearer value that is no live key: made up, malformed, revoked, or of a deleted account. */
  UNKNOWN,
  /** A key or session whose {@code expires_at} has passed. */
  EXPIRED,
  /**
   * A refused credential answered 429 instead of 401: its client address is over the failure limit.
   * Also counted under its own refusal ({@link #UNKNOWN}, {@link #EXPIRED}, {@link #MISSING}).
   */
  THROTTLED;

  /** The label value, e.g. {@code ok}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Told every outcome; must be cheap and never throw (it runs on the request path). */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = outcome -> {};

    void outcome(AuthOutcome outcome);
  }
}
