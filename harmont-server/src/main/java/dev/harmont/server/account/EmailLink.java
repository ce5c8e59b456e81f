package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A link sent by email, as stored: the SHA-256 of its token only, what it is for, and whom it is
 * for. A sign-up link carries the email and name of the account it will create ({@code userId}
 * null); a recovery or invitation link names its user.
 *
 * @param linkHash lowercase hex SHA-256 of the token's text
 * @param usedAt when it was spent; null while it still works
 */
public record EmailLink(
    String linkHash,
    Purpose purpose,
    String email,
    String name,
    UUID userId,
    Instant createdAt,
    Instant expiresAt,
    Instant usedAt) {

  /** True when it can still be used at {@code now}: not spent, not expired. */
  public boolean isLiveAt(Instant now) {
    return usedAt == null && expiresAt.isAfter(now);
  }

  /** What a link was sent for; it works for that flow only. */
  public enum Purpose {
    /** Verifies the address of a person creating an account. */
    SIGN_UP("sign_up"),
    /** Lets a person who lost their passkeys add a new one. */
    RECOVERY("recovery"),
    /** An operator's welcome: the recovery flow, for an account the operator made. */
    INVITE("invite");

    private final String wire;

    Purpose(String wire) {
      this.wire = wire;
    }

    /** The stored value. */
    public String wire() {
      return wire;
    }

    public static Purpose fromWire(String value) {
      for (Purpose purpose : values()) {
        if (purpose.wire.equals(value)) {
          return purpose;
        }
      }
      throw new IllegalArgumentException("unknown email link purpose " + value);
    }
  }
}
