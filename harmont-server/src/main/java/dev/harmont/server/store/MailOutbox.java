package dev.harmont.server.store;

import dev.harmont.server.mail.OutgoingMail;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The durable outbox: a store that must send a message together with the row it concerns (a sign-up
 * token, a recovery link) enqueues it on the connection of its own write transaction ({@link
 * Database#write}), so that the message exists exactly when that row does. The sender delivers it
 * later, with retries, from whichever node takes it.
 */
public interface MailOutbox {
  /** Queues {@code mail} inside the transaction {@code c} belongs to. */
  void enqueue(Connection c, OutgoingMail mail, Instant now) throws SQLException;
}
