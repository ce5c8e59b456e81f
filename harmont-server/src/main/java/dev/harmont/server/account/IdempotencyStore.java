package dev.harmont.server.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Persistence of {@code Idempotency-Key} records, by hashes only, the answer's body sealed: see
 * {@link Idempotency}, which owns the rules. Implemented by the store package.
 */
public interface IdempotencyStore {

  /**
   * A stored record of one (scope, key).
   *
   * @param requestHash the SHA-256 of the request that took the key
   * @param answer null while that request still runs (pending)
   */
  record Entry(String requestHash, Instant createdAt, SealedAnswer answer) {}

  /**
   * An answer as stored: the body sealed ({@link Idempotency}), the rest in clear.
   *
   * @param nonce the 12-byte AES-GCM nonce of {@code sealedBody}
   * @param sealedBody the body encrypted, followed by its authentication tag
   */
  record SealedAnswer(
      int status, String contentType, String requestId, byte[] nonce, byte[] sealedBody) {}

  /** The record of (scopeHash, keyHash) that has not expired at {@code now}, if any. */
  Optional<Entry> find(String scopeHash, String keyHash, Instant now);

  /**
   * Takes the key for a request: inserts a pending record for (scopeHash, keyHash) unless a live
   * one holds it. An expired record, or a pending one created before {@code abandonedBefore}, no
   * longer holds it and is replaced. Of concurrent calls for one (scope, key) exactly one inserts
   * (the primary key decides).
   *
   * @param userId the caller, or null when not known (the record then outlives an account deletion
   *     until it expires)
   * @return empty when this call took the key; else the record that holds it
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when {@code userId} no longer exists
   */
  Optional<Entry> reserve(
      String scopeHash,
      String keyHash,
      UUID userId,
      String requestHash,
      Instant now,
      Instant expiresAt,
      Instant abandonedBefore);

  /** Stores the answer of the pending record of (scopeHash, keyHash). */
  void complete(String scopeHash, String keyHash, SealedAnswer answer);

  /** Deletes the pending record of (scopeHash, keyHash), so that a retry runs again. */
  void release(String scopeHash, String keyHash);

  /** Deletes every record that expired at or before {@code now}; returns how many. */
  int deleteExpired(Instant now);
}
