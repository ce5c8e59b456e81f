package dev.harmont.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Persistence of passkeys (public keys only). Implemented by the store package. */
public interface PasskeyStore {

  /** The user's passkeys, oldest first. */
  List<Passkey> list(UUID userId);

  /** The passkey with this credential id, whoever it belongs to. */
  Optional<Passkey> findByCredentialId(String credentialId);

  /**
   * Stores a new passkey with its {@code passkey.added} event.
   *
   * @return false when the credential id is already registered (to this or another account)
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when the user no longer exists
   */
  boolean insert(Passkey passkey, SecurityEvent event);

  /**
   * Records a sign-in: the new counter, backup state and {@code lastUsedAt}.
   *
   * @return false when the passkey was removed meanwhile (the sign-in must then be refused)
   */
  boolean recordUse(UUID id, long signCount, boolean backedUp, Instant lastUsedAt);

  /** Renames one of the user's passkeys with its event; empty when it is not theirs. */
  Optional<Passkey> rename(UUID userId, UUID id, String nickname, SecurityEvent event);

  /** What {@link #remove} did. */
  enum Removal {
    REMOVED,
    NOT_FOUND,
    LAST
  }

  /**
   * Removes one of the user's passkeys with its event, unless it is their last one ({@link
   * Removal#LAST}; checked in the same transaction, so two concurrent removals of a user's last two
   * passkeys cannot both succeed).
   */
  Removal remove(UUID userId, UUID id, SecurityEvent event);
}
