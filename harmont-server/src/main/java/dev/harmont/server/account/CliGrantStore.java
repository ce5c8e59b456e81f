package dev.harmont.server.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** Persistence of CLI grants, by SHA-256 of the code only. Implemented by the store package. */
public interface CliGrantStore {

  /**
   * Stores a grant, and forgets the user's grants that expired before {@code forgetBefore} (so that
   * the table holds only recent rows without a sweeper).
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when the user no longer exists
   */
  void insert(CliGrant grant, String codeHash, Instant forgetBefore);

  /**
   * Stores a refusal: a grant spent when it was made ({@code used_at} = {@code created_at}, no key)
   * under {@code denialHash}, replacing an earlier refusal stored there. Forgets old grants as
   * {@link #insert} does.
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when the user no longer exists
   */
  void insertDenied(CliGrant grant, String denialHash, Instant forgetBefore);

  /** Whether a refusal stored under {@code denialHash} is unexpired at {@code now}. */
  boolean isDenied(String denialHash, Instant now);

  /** Builds the key a redeemed grant gives, once the grant's user and client name are known. */
  @FunctionalInterface
  interface KeyFactory {
    ApiToken keyFor(UUID userId, String clientName);
  }

  /**
   * In one transaction: marks the grant with this code hash and challenge used, provided it is
   * unused and unexpired at {@code now} (a conditional update, so that of concurrent redemptions
   * exactly one wins), then stores the key {@code keys} builds under {@code keyHash}, within the
   * user's limit of live personal keys, and records on the grant which key it gave.
   *
   * @param eventFor the security-log event of the new key, stored in the same transaction
   * @return the stored key, or empty when no such usable grant exists (nothing changed)
   * @throws HarmontException {@link ErrorCode#API_TOKEN_LIMIT_REACHED} when the user holds {@code
   *     maxLivePersonal} live keys already; nothing is changed and the grant stays usable
   */
  Optional<ApiToken> redeem(
      String codeHash,
      String codeChallenge,
      Instant now,
      KeyFactory keys,
      String keyHash,
      int maxLivePersonal,
      Function<ApiToken, SecurityEvent> eventFor);

  /** The personal key a used grant gave, and its user. */
  record IssuedKey(UUID userId, UUID apiTokenId) {}

  /**
   * For a code presented again after its grant was used: the key that grant gave, taken off the
   * grant (so that it is returned once), or empty when the code is unknown, unused, or its key was
   * already taken.
   */
  Optional<IssuedKey> takeIssuedKey(String codeHash);
}
