package dev.harmont.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Persistence of bearer tokens, by SHA-256 hash only. Implemented by the store package. Every
 * change takes the {@link SecurityEvent} that records it and stores both in one transaction: the
 * event exists exactly when the change does.
 */
public interface TokenStore {

  /**
   * Stores a token and its event. A personal key is stored only while the user holds fewer than
   * {@code maxLivePersonal} live (unexpired) personal keys, checked in the same transaction so that
   * concurrent creations cannot overshoot.
   *
   * @return false when the limit is reached (nothing stored)
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when the user no longer exists
   */
  boolean insert(ApiToken token, String secretHash, int maxLivePersonal, SecurityEvent event);

  /**
   * The hot path: one indexed lookup of a current secret's hash, joined with its user and org slug;
   * only when that finds nothing, a second one among the secrets replaced by a rotation (their
   * {@link Authenticated#previousSecretEndsAt()} set).
   */
  Optional<Authenticated> findByHash(String secretHash);

  /** The user's personal API keys, newest first. Session tokens are not included. */
  List<ApiToken> listPersonal(UUID userId);

  /** One personal key of this user with the hash of its current secret, for a rotation. */
  Optional<KeyState> findPersonal(UUID userId, UUID tokenId);

  /** A personal key and the hash of its current secret. */
  record KeyState(ApiToken token, String secretHash) {}

  /**
   * What a rotation writes: the new secret's hash and hint, the new expiry, and the replaced secret
   * (its hash and end) when it stays valid for a grace period.
   *
   * @param expectedHash the current secret's hash as read before; the update applies only if it is
   *     still the current one, so of two concurrent rotations exactly one wins
   * @param previousHash the replaced secret's hash, or null when it stops at once
   * @param previousEndsAt when {@code previousHash} stops, or null with it
   */
  record Rotation(
      UUID userId,
      UUID tokenId,
      String expectedHash,
      String newHash,
      String hint,
      Instant rotatedAt,
      Instant expiresAt,
      String previousHash,
      Instant previousEndsAt) {}

  /**
   * Applies a rotation and stores its event, only if the key still exists and its current secret is
   * still {@link Rotation#expectedHash()}.
   *
   * @return false when nothing was changed (the key is gone, or was rotated meanwhile)
   */
  boolean rotate(Rotation rotation, SecurityEvent event);

  /**
   * Deletes one personal key of this user and stores the event; false when there is no such key.
   */
  boolean deletePersonal(UUID userId, UUID tokenId, SecurityEvent event);

  /** Deletes one token of any kind and stores the event; false when it was already gone. */
  boolean delete(UUID tokenId, SecurityEvent event);

  /**
   * Sets {@code last_used_at = now} unless it is already later than {@code notAfter}, so that
   * concurrent requests write at most once per interval.
   */
  void touch(UUID tokenId, Instant now, Instant notAfter);
}
