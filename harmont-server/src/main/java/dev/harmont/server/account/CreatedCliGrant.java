package dev.harmont.server.account;

import java.time.Instant;

/**
 * A fresh grant's code, on its way to the browser that asked for it: the only copy there will ever
 * be, so {@link #toString()} leaves it out.
 */
public record CreatedCliGrant(String code, Instant expiresAt) {
  @Override
  public String toString() {
    return "CreatedCliGrant[code=<redacted>, expiresAt=" + expiresAt + "]";
  }
}
