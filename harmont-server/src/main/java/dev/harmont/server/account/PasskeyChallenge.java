package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A WebAuthn challenge handed out with a ceremony's options, as stored: its SHA-256 only, what it
 * is for, and (to add a passkey) the user who asked and the user handle they were given.
 *
 * @param challengeHash lowercase hex SHA-256 of the challenge's base64url text
 * @param userId the user adding a passkey; null for a sign-in
 * @param userHandle the user handle in the creation options (base64url); null for a sign-in
 * @param linkHash the SHA-256 of the email link a sign-up or recovery challenge was made from; null
 *     for the others
 */
public record PasskeyChallenge(
    UUID id,
    String challengeHash,
    Purpose purpose,
    UUID userId,
    String userHandle,
    Instant createdAt,
    Instant expiresAt,
    String linkHash) {

  /** A challenge made without an email link. */
  public PasskeyChallenge(
      UUID id,
      String challengeHash,
      Purpose purpose,
      UUID userId,
      String userHandle,
      Instant createdAt,
      Instant expiresAt) {
    this(id, challengeHash, purpose, userId, userHandle, createdAt, expiresAt, null);
  }

  /** The ceremony a challenge was made for; it works for that one only. */
  public enum Purpose {
    LOGIN("login"),
    REGISTER("register"),
    /** Creating the first passkey of a new account, from a sign-up link. */
    SIGN_UP("sign_up"),
    /** Adding a passkey from a recovery or invitation link. */
    RECOVERY("recovery");

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
      throw new IllegalArgumentException("unknown challenge purpose " + value);
    }
  }
}
