package dev.harmont.server.account;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Persistence of WebAuthn challenges, by hash only. Implemented by the store package. */
public interface PasskeyChallengeStore {

  /** Stores a challenge, and deletes those that expired before {@code now}. */
  void insert(PasskeyChallenge challenge, Instant now);

  /**
   * Spends a challenge: deletes it and returns it as it was, whatever its expiry, purpose or user
   * (the caller judges those). Of concurrent calls with one id at most one returns it.
   */
  Optional<PasskeyChallenge> consume(UUID id);
}
