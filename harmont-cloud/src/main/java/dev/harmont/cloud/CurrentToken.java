package dev.harmont.cloud;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The credential a client authenticates with, as {@link HarmontClient#getCurrentToken()} describes
 * it: which key (or session) this is, without its secret.
 *
 * @param kind {@link #API_KEY} or {@link #SESSION} (a newer server may add kinds)
 * @param id the token's id; for an API key, the id to pass to {@link
 *     HarmontClient#rotateApiToken(String, ApiTokenRotate)} or {@link
 *     HarmontClient#revokeApiToken(String)}
 * @param description the key's label, or {@code null}
 * @param hint the last 4 characters of the current secret, or {@code null} (sessions, old keys)
 * @param createdAt when the token was created
 * @param expiresAt when it stops working, or {@code null} for never
 * @param lastUsedAt when it last authenticated a request (updated about once a minute), or {@code
 *     null}
 * @param previousSecretEndsAt set when the client uses a secret that a rotation replaced: it stops
 *     working at this instant; {@code null} for the current secret
 */
public record CurrentToken(
    String kind,
    String id,
    String description,
    String hint,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Instant previousSecretEndsAt) {
  /** {@link #kind()} of a personal API key. */
  public static final String API_KEY = "api_key";

  /** {@link #kind()} of a sign-in session. */
  public static final String SESSION = "session";

  /**
   * Checks the required fields.
   *
   * @throws NullPointerException if {@code kind}, {@code id} or {@code createdAt} is null
   */
  public CurrentToken {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /**
   * When this credential stops working: the earlier of its expiry and, for a replaced secret, the
   * end of its grace period.
   *
   * @return the instant, or {@code null} when it never stops by itself
   */
  public Instant stopsAt() {
    if (expiresAt == null) {
      return previousSecretEndsAt;
    }
    if (previousSecretEndsAt == null) {
      return expiresAt;
    }
    return expiresAt.isBefore(previousSecretEndsAt) ? expiresAt : previousSecretEndsAt;
  }

  /**
   * True when this credential stops working within {@code window} from now (or already has).
   *
   * @param window how far ahead to look, e.g. 7 days
   * @param clock the current time
   * @return whether {@link #stopsAt()} is before now + window
   */
  public boolean stopsWithin(Duration window, Clock clock) {
    Instant stops = stopsAt();
    return stops != null && stops.isBefore(clock.instant().plus(window));
  }
}
