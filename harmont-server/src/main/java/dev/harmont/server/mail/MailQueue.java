package dev.harmont.server.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The sender's side of the outbox: it leases due messages, then says how each went. Every change
 * names the lease's owner, so a node whose lease ran out (and whose message another node took)
 * changes nothing.
 */
public interface MailQueue {
  /**
   * Leases up to {@code max} messages due at {@code now} (not leased by anyone, or leased until
   * before {@code now}) to {@code owner} until {@code now + lease}, counting an attempt for each.
   * Concurrent callers on other nodes get other messages. A message sealed under a key this node
   * does not have is left to the nodes that have it.
   */
  List<QueuedMail> claim(String owner, Instant now, Duration lease, int max);

  /** Delivered: the message is deleted. */
  void sent(UUID id, String owner);

  /** Not delivered this time: the lease ends, and it is due again at {@code next}. */
  void retry(UUID id, String owner, Instant next, String error);

  /** Given up: the body is wiped, the row kept (without it) as a record of the failure. */
  void giveUp(UUID id, String owner, Instant now, String error);

  /**
   * Gives up every message created before {@code createdBefore} and not leased at {@code now}
   * (whatever key sealed it: one nobody has is never sent); returns how many.
   */
  int giveUpOlderThan(Instant createdBefore, Instant now, String error);

  /** Deletes the records of messages given up before {@code before}; returns how many. */
  int deleteGivenUpBefore(Instant before);

  /** Messages not yet sent nor given up. */
  long pending();
}
