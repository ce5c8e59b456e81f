package dev.harmont.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Persistence of service credentials, by SHA-256 hash only. Implemented by the store package. */
public interface ServiceCredentialStore {
  /**
   * Stores a new credential.
   *
   * @throws HarmontException {@link ErrorCode#SERVICE_NAME_TAKEN} when another credential, revoked
   *     or not, has that name
   */
  void insert(ServiceCredential credential, String secretHash);

  /** Every credential, revoked ones included, oldest first. */
  List<ServiceCredential> list();

  /** The credential whose secret has {@code secretHash}, unless it is revoked. */
  Optional<ServiceCredential> findActiveByHash(String secretHash);

  /**
   * Revokes the credential named {@code name}; true when it existed and was not revoked yet, false
   * otherwise (revoking twice changes nothing).
   */
  boolean revoke(String name, Instant now);

  /** True when a credential named {@code name} exists, revoked or not. */
  boolean exists(String name);

  /** Records a use at {@code now}. */
  void markUsed(UUID id, Instant now);
}
