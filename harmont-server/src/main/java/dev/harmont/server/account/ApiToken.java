package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored token: never holds the secret, only metadata.
 *
 * @param hint the last characters of the current secret ({@link Secrets#hint}), null for keys
 *     minted before secrets had a checksum, and for sessions
 * @param rotatedAt when the current secret replaced an earlier one, null if it never did; with
 *     {@code expiresAt} it gives the key's lifetime, which a rotation grants again
 */
public record ApiToken(
    UUID id,
    UUID userId,
    TokenKind kind,
    String description,
    String hint,
    Instant createdAt,
    Instant rotatedAt,
    Instant expiresAt,
    Instant lastUsedAt) {

  /** True when the token may no longer authenticate at {@code now}: expiry is exclusive. */
  public boolean isExpiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** When the current secret was minted: the last rotation, else the creation. */
  public Instant secretCreatedAt() {
    return rotatedAt != null ? rotatedAt : createdAt;
  }
}
