package dev.harmont.server.mail;

import java.time.Instant;
import java.util.UUID;

/**
 * A message leased from the outbox: its row, when it was queued, the attempts so far (this one
 * included), and the message, opened.
 */
public record QueuedMail(UUID id, Instant createdAt, int attempts, OutgoingMail mail) {}
