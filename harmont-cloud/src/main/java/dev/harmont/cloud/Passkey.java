package dev.harmont.cloud;

import java.time.Instant;
import java.util.Objects;

/**
 * A passkey of the current user as the server describes it (the contract's {@code Passkey}). Holds
 * no key material. Passkeys are added in a browser (the console's Passkeys section), never through
 * the SDK: the ceremony needs the person's authenticator.
 *
 * @param uuid the passkey's stable id; pass it to {@link HarmontClient#renamePasskey} or {@link
 *     HarmontClient#deletePasskey}
 * @param nickname the human label, e.g. {@code MacBook Touch ID}
 * @param aaguid the authenticator model's AAGUID (32 hex digits), or {@code null} when it does not
 *     say
 * @param createdAt when the passkey was added
 * @param lastUsedAt when it last signed in, or {@code null} if never
 * @param authenticator the provider's name for a known AAGUID ({@code iCloud Keychain}, {@code
 *     Google Password Manager}…), or {@code null}
 */
public record Passkey(
    String uuid,
    String nickname,
    String aaguid,
    Instant createdAt,
    Instant lastUsedAt,
    String authenticator) {
  /**
   * Checks the required fields.
   *
   * @throws NullPointerException if {@code uuid} or {@code createdAt} is null
   */
  public Passkey {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
