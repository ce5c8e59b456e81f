package dev.harmont.server.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Persistence of one-time sign-in links, by SHA-256 hash only. Implemented by the store package.
 */
public interface SignInLinkStore {

  /**
   * Stores a link, and deletes links that expired before {@code createdAt} (nobody can redeem them
   * any more).
   *
   * @throws HarmontException {@link ErrorCode#USER_NOT_FOUND} when the user no longer exists
   */
  void insert(String codeHash, UUID userId, Instant createdAt, Instant expiresAt);

  /**
   * Spends a link: deletes it and returns its user when it existed and had not expired at {@code
   * now}. Of concurrent calls with the same hash at most one returns a user (the delete is
   * conditional); an expired link is deleted too, and returns empty.
   */
  Optional<UUID> consume(String codeHash, Instant now);
}
