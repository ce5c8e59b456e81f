package dev.harmont.server.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Persistence of users and their personal organizations. Implemented by the store package. */
public interface UserStore {

  /**
   * Inserts the user and a personal organization whose slug is {@code slugBase}, or {@code
   * slugBase-2}, {@code -3}… whichever is free first, in one transaction.
   *
   * @throws HarmontException {@link ErrorCode#EMAIL_TAKEN} when the email is in use
   */
  User create(UUID userId, UUID orgId, String email, String name, String slugBase, Instant now);

  /** True once at least one user exists (the server's first-run hint uses it). */
  boolean hasAnyUser();

  Optional<User> findByEmail(String email);

  Optional<User> findById(UUID id);

  /**
   * Sets the display name and stores {@code event} in the same transaction; empty (and no event)
   * when the user no longer exists.
   */
  Optional<User> rename(UUID id, String name, Instant now, SecurityEvent event);

  /**
   * Deletes the user, every token and security event of theirs and their personal organization, in
   * one transaction. Returns false when there was no such user.
   */
  boolean delete(UUID id);
}
