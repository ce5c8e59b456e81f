package dev.harmont.server.store;

import dev.harmont.server.mail.MailQueue;
import dev.harmont.server.mail.OutgoingMail;
import dev.harmont.server.mail.QueuedMail;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link MailOutbox} and {@link MailQueue} on the {@code mail_outbox} table. A message is stored
 * sealed ({@link SealingKeys}), bound to its row id and key id; only this class opens it.
 */
final class JdbcMailOutbox implements MailOutbox, MailQueue {
  private static final int MAX_ERROR = 200;

  private final Database db;
  private final Dialect dialect;
  private final SealingKeys keys;

  JdbcMailOutbox(Database db, SealingKeys keys) {
    this.db = db;
    this.dialect = db.dialect();
    this.keys = keys;
  }

  @Override
  public void enqueue(Connection c, OutgoingMail mail, Instant now) throws SQLException {
    UUID id = UUID.randomUUID();
    String keyId = keys.currentId();
    byte[] sealed = keys.seal(serialize(mail), context(id, keyId));
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO mail_outbox (id, created_at, next_attempt_at, attempts, key_id, sealed)"
                + " VALUES (?, ?, ?, 0, ?, ?)")) {
      dialect.setUuid(ps, 1, id);
      dialect.setInstant(ps, 2, now);
      dialect.setInstant(ps, 3, now);
      ps.setString(4, keyId);
      ps.setBytes(5, sealed);
      ps.executeUpdate();
    }
    db.mailEnqueued();
  }

  @Override
  public List<QueuedMail> claim(String owner, Instant now, Duration lease, int max) {
    // A read first: polling an empty outbox costs no write transaction (on SQLite, no turn of the
    // single writer).
    boolean anyDue =
        Jdbc.read(
            db.reads(),
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT 1 FROM mail_outbox WHERE failed_at IS NULL AND next_attempt_at <= ?"
                          + " AND (lease_until IS NULL OR lease_until <= ?) LIMIT 1")) {
                dialect.setInstant(ps, 1, now);
                dialect.setInstant(ps, 2, now);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next();
                }
              }
            });
    if (!anyDue) {
      return List.of();
    }
    return db.write(
        c -> {
          List<Row> rows = new ArrayList<>();
          String placeholders = String.join(", ", Collections.nCopies(keys.ids().size(), "?"));
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, created_at, attempts, key_id, sealed FROM mail_outbox"
                      + " WHERE failed_at IS NULL AND next_attempt_at <= ?"
                      + " AND (lease_until IS NULL OR lease_until <= ?)"
                      + " AND key_id IN ("
                      + placeholders
                      + ") ORDER BY next_attempt_at LIMIT ?"
                      + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : ""))) {
            int i = 1;
            dialect.setInstant(ps, i++, now);
            dialect.setInstant(ps, i++, now);
            for (String keyId : keys.ids()) {
              ps.setString(i++, keyId);
            }
            ps.setInt(i, max);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(
                    new Row(
                        dialect.getUuid(rs, "id"),
                        dialect.getInstant(rs, "created_at"),
                        rs.getInt("attempts") + 1,
                        rs.getString("key_id"),
                        rs.getBytes("sealed")));
              }
            }
          }
          List<QueuedMail> claimed = new ArrayList<>(rows.size());
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE mail_outbox SET lease_owner = ?, lease_until = ?, attempts = ?"
                      + " WHERE id = ?")) {
            for (Row row : rows) {
              ps.setString(1, owner);
              dialect.setInstant(ps, 2, now.plus(lease));
              ps.setInt(3, row.attempts());
              dialect.setUuid(ps, 4, row.id());
              ps.executeUpdate();
              claimed.add(
                  new QueuedMail(
                      row.id(),
                      row.createdAt(),
                      row.attempts(),
                      keys.open(row.keyId(), row.sealed(), context(row.id(), row.keyId()))
                          .flatMap(JdbcMailOutbox::deserialize)
                          .orElse(null)));
            }
          }
          return claimed;
        });
  }

  private record Row(UUID id, Instant createdAt, int attempts, String keyId, byte[] sealed) {}

  @Override
  public void sent(UUID id, String owner) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM mail_outbox WHERE id = ? AND lease_owner = ?")) {
            dialect.setUuid(ps, 1, id);
            ps.setString(2, owner);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void retry(UUID id, String owner, Instant next, String error) {
    release(id, owner, "next_attempt_at = ?", next, error);
  }

  @Override
  public void giveUp(UUID id, String owner, Instant now, String error) {
    release(id, owner, "sealed = NULL, failed_at = ?", now, error);
  }

  /**
   * Ends {@code owner}'s lease on message {@code id}, setting {@code assignments} (one {@code ?},
   * bound to {@code at}) and the last error; a lease that passed to another node meanwhile is left
   * alone.
   */
  private void release(UUID id, String owner, String assignments, Instant at, String error) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE mail_outbox SET lease_owner = NULL, lease_until = NULL, "
                      + assignments
                      + ", last_error = ? WHERE id = ? AND lease_owner = ?")) {
            dialect.setInstant(ps, 1, at);
            ps.setString(2, shorten(error));
            dialect.setUuid(ps, 3, id);
            ps.setString(4, owner);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public int giveUpOlderThan(Instant createdBefore, Instant now, String error) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE mail_outbox SET sealed = NULL, failed_at = ?, last_error = ?"
                      + " WHERE failed_at IS NULL AND created_at < ?"
                      + " AND (lease_until IS NULL OR lease_until <= ?)")) {
            dialect.setInstant(ps, 1, now);
            ps.setString(2, shorten(error));
            dialect.setInstant(ps, 3, createdBefore);
            dialect.setInstant(ps, 4, now);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public int deleteGivenUpBefore(Instant before) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM mail_outbox WHERE failed_at IS NOT NULL AND failed_at < ?")) {
            dialect.setInstant(ps, 1, before);
            return ps.executeUpdate();
          }
        });
  }

  @Override
  public long pending() {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT COUNT(*) FROM mail_outbox WHERE failed_at IS NULL");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  private static String shorten(String error) {
    if (error == null) {
      return null;
    }
    String oneLine = error.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_ERROR ? oneLine : oneLine.substring(0, MAX_ERROR - 1) + "…";
  }

  /** What a sealed value is bound to: its row and its key. */
  private static byte[] context(UUID id, String keyId) {
    byte[] key = keyId.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(16 + key.length)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .put(key)
        .array();
  }

  private static byte[] serialize(OutgoingMail mail) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1); // format version
      for (String field : List.of(mail.to(), mail.subject(), mail.text(), mail.html())) {
        byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Optional<OutgoingMail> deserialize(byte[] plain) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
      if (in.readByte() != 1) {
        return Optional.empty();
      }
      String[] fields = new String[4];
      for (int i = 0; i < fields.length; i++) {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        fields[i] = new String(utf8, StandardCharsets.UTF_8);
      }
      return Optional.of(new OutgoingMail(fields[0], fields[1], fields[2], fields[3]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
