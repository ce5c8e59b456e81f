package dev.harmont.server.store;

import dev.harmont.server.mail.OutgoingMail;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;

/**
 * For tests outside this package: queues mail the way a store does (in a write transaction of its
 * own), and reads the outbox's raw bytes.
 */
public final class OutboxForTest {
  private OutboxForTest() {}

  /** Queues {@code mail} in a write transaction of its own, as a store would with its row. */
  public static void enqueue(Database db, OutgoingMail mail, Instant now) {
    MailOutbox outbox = db.mailOutbox();
    db.write(
        c -> {
          outbox.enqueue(c, mail, now);
          return null;
        });
  }

  /**
   * True when some message was tried and is no longer leased: a node took it, failed, and let it go
   * until its next attempt.
   */
  public static boolean triedAndReleased(Database db) throws Exception {
    try (Connection c = db.reads().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM mail_outbox WHERE attempts > 0 AND lease_owner IS NULL")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  /** Every column of every outbox row as text (binary columns as Latin-1), for leak checks. */
  public static String dump(Database db) throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = db.reads().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM mail_outbox")) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          Object value = rs.getObject(i);
          out.append(
                  value instanceof byte[] bytes
                      ? new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                      : String.valueOf(value))
              .append('|');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }
}
