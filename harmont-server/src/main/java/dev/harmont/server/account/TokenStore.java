package dev.harmont.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Persistence of bearer tokens, by SHA-256 hash only. Implemented by the store package. */
public interface TokenStore {

  /**
   * Stores a token. A personal key is stored only while the user holds fewer than {@code
   * maxLivePersonal} live (unexpired) personal keys, checked in the same transaction so that
   * concurrent creations cannot overshoot.
   *
   * @return false when the limit is reached (nothing stored)
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when the user no longer exists
   */
  boolean insert(ApiToken token, String secretHash, int maxLivePersonal);

  /** The hot path: one indexed lookup of a hash, joined with its user and org slug. */
  Optional<Authenticated> findByHash(String secretHash);

  /** The user's personal API keys, newest first. Session tokens are not included. */
  List<ApiToken> listPersonal(UUID userId);

  /** Deletes one personal key of this user; false when there is no such key for them. */
  boolean deletePersonal(UUID userId, UUID tokenId);

  /** Deletes one token of any kind; false when it was already gone. */
  boolean delete(UUID tokenId);

  /**
   * Sets {@code last_used_at = now} unless it is already later than {@code notAfter}, so that
   * concurrent requests write at most once per interval.
   */
  void touch(UUID tokenId, Instant now, Instant notAfter);
}
