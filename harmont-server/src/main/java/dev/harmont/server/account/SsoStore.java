package dev.harmont.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Persistence of single sign-on: linked identities, sign-ins in flight (by the SHA-256 of their
 * {@code state}) and finished sign-ins waiting for the console (by the SHA-256 of their one-time
 * code). Implemented by the store package; one transaction per method.
 */
public interface SsoStore {
  /** A sign-in in flight: who started it (the hash of their browser's cookie), where it goes. */
  record State(String browserHash, String provider, String returnTo, Instant expiresAt) {}

  /** A finished sign-in: the account it signed into and through which provider. */
  record Result(UUID userId, String provider) {}

  Optional<SsoIdentity> findIdentity(String issuer, String subject);

  /** The user's identities, oldest link first. */
  List<SsoIdentity> listIdentities(UUID userId);

  /**
   * Stores a new identity with its {@code identity.linked} event.
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when the account is gone, {@link
   *     ErrorCode#SSO_IDENTITY_TAKEN} when the identity was linked meanwhile
   */
  void link(SsoIdentity identity, SecurityEvent event);

  /** Records a sign-in with the identity: its last use and the address the provider gave now. */
  void recordUse(UUID id, String email, Instant at);

  /** Deletes one of the user's identities with its event; false when the user has no such one. */
  boolean unlink(UUID userId, UUID id, SecurityEvent event);

  /** Stores a sign-in in flight; expired ones are swept first. */
  void insertState(String stateHash, State state, Instant now);

  /** Spends a sign-in in flight: empty when unknown, already spent or expired. */
  Optional<State> consumeState(String stateHash, Instant now);

  /** Stores a finished sign-in's one-time code; expired ones are swept first. */
  void insertResult(String codeHash, Result result, Instant now, Instant expiresAt);

  /** Spends a one-time code: empty when unknown, already spent or expired. */
  Optional<Result> consumeResult(String codeHash, Instant now);
}
