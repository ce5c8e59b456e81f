package dev.harmont.server.account;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Reading and pruning the security log. Events are written by {@link TokenStore} and {@link
 * UserStore} in the transaction of the change they record, never on their own.
 */
public interface EventStore {

  /**
   * The user's events created at or after {@code notBefore}, newest first, older than {@code
   * before} when it is given, at most {@code limit}.
   */
  List<SecurityEvent> list(UUID userId, Instant notBefore, EventCursor before, int limit);

  /**
   * Stores an event that records no change of its own: a refusal worth telling the user about (a
   * passkey's signature counter going backwards).
   */
  void insert(SecurityEvent event);

  /** Deletes every event created before {@code cutoff}; returns how many. */
  int deleteOlderThan(Instant cutoff);
}
