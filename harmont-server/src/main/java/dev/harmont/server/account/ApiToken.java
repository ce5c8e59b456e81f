package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/** A stored token: never holds the secret, only metadata. */
public record ApiToken(
    UUID id,
    UUID userId,
    TokenKind kind,
    String description,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt) {

  /** True when the token may no longer authenticate at {@code now}: expiry is exclusive. */
  public boolean isExpiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
