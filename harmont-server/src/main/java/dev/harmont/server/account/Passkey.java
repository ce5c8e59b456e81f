package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A registered passkey: a discoverable WebAuthn credential of one user. Holds only public material
 * (the credential id and its COSE public key) and what the verifier needs next time (counter,
 * backup flags); nothing here can sign.
 *
 * @param credentialId the credential id, base64url without padding; unique across all accounts
 * @param publicKey the credential's COSE public key as the authenticator sent it
 * @param signCount the signature counter last seen (0 when the authenticator keeps none)
 * @param aaguid the authenticator model's AAGUID; the nil UUID when it does not say
 * @param transports the transports the browser reported (e.g. {@code internal,hybrid}), or null
 * @param userHandle the WebAuthn user handle given to the authenticator, base64url
 * @param lastUsedAt null until the passkey first signs in
 */
public record Passkey(
    UUID id,
    UUID userId,
    String credentialId,
    byte[] publicKey,
    long signCount,
    UUID aaguid,
    String transports,
    boolean uvInitialized,
    boolean backupEligible,
    boolean backedUp,
    String userHandle,
    String nickname,
    Instant createdAt,
    Instant lastUsedAt) {

  /** The longest nickname, in code points. */
  public static final int MAX_NICKNAME_LENGTH = 100;

  /** The same passkey with another nickname. */
  public Passkey withNickname(String value) {
    return new Passkey(
        id,
        userId,
        credentialId,
        publicKey,
        signCount,
        aaguid,
        transports,
        uvInitialized,
        backupEligible,
        backedUp,
        userHandle,
        value,
        createdAt,
        lastUsedAt);
  }
}
