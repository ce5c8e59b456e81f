package dev.harmont.server.store;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.IdempotencyStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link IdempotencyStore} on the {@code idempotency_records} table. Only hashes and sealed bodies
 * reach this class; the key that opens a body never does.
 */
final class JdbcIdempotencyStore implements IdempotencyStore {
  private static final String ENTRY_COLUMNS =
      "request_hash, created_at, status, content_type, request_id, body_nonce, body_sealed";

  private final Database db;
  private final Dialect dialect;

  JdbcIdempotencyStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public Optional<Entry> find(String scopeHash, String keyHash, Instant now) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + ENTRY_COLUMNS
                      + " FROM idempotency_records"
                      + " WHERE scope_hash = ? AND key_hash = ? AND expires_at > ?")) {
            ps.setString(1, scopeHash);
            ps.setString(2, keyHash);
            dialect.setInstant(ps, 3, now);
            return entry(ps);
          }
        });
  }

  @Override
  public Optional<Entry> reserve(
      String scopeHash,
      String keyHash,
      UUID userId,
      String requestHash,
      Instant now,
      Instant expiresAt,
      Instant abandonedBefore) {
    return db.write(
        c -> {
          // A record past its time no longer holds the key, whether or not pruned yet.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM idempotency_records WHERE scope_hash = ? AND key_hash = ?"
                      + " AND (expires_at <= ? OR (status IS NULL AND created_at < ?))")) {
            ps.setString(1, scopeHash);
            ps.setString(2, keyHash);
            dialect.setInstant(ps, 3, now);
            dialect.setInstant(ps, 4, abandonedBefore);
            ps.executeUpdate();
          }
          // The primary key decides between concurrent requests: PostgreSQL makes the second
          // INSERT wait for the first one's commit, then skips it; SQLite runs writes one at a
          // time. Whoever inserts nothing reads the winner's record below.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO idempotency_records"
                      + " (scope_hash, key_hash, user_id, request_hash, created_at, expires_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (scope_hash, key_hash) DO NOTHING")) {
            ps.setString(1, scopeHash);
            ps.setString(2, keyHash);
            dialect.setUuid(ps, 3, userId);
            ps.setString(4, requestHash);
            dialect.setInstant(ps, 5, now);
            dialect.setInstant(ps, 6, expiresAt);
            if (ps.executeUpdate() == 1) {
              return Optional.<Entry>empty();
            }
          } catch (SQLException e) {
            if (SqlErrors.isForeignKeyViolation(e)) {
              // The account was deleted since the caller authenticated: so is its credential.
              throw new HarmontException(ErrorCode.UNAUTHORIZED);
            }
            throw e;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + ENTRY_COLUMNS
                      + " FROM idempotency_records WHERE scope_hash = ? AND key_hash = ?")) {
            ps.setString(1, scopeHash);
            ps.setString(2, keyHash);
            return entry(ps);
          }
        });
  }

  @Override
  public void complete(String scopeHash, String keyHash, SealedAnswer answer) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE idempotency_records SET status = ?, content_type = ?, request_id = ?,"
                      + " body_nonce = ?, body_sealed = ?"
                      + " WHERE scope_hash = ? AND key_hash = ? AND status IS NULL")) {
            ps.setInt(1, answer.status());
            ps.setString(2, answer.contentType());
            ps.setString(3, answer.requestId());
            ps.setBytes(4, answer.nonce());
            ps.setBytes(5, answer.sealedBody());
            ps.setString(6, scopeHash);
            ps.setString(7, keyHash);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void release(String scopeHash, String keyHash) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM idempotency_records"
                      + " WHERE scope_hash = ? AND key_hash = ? AND status IS NULL")) {
            ps.setString(1, scopeHash);
            ps.setString(2, keyHash);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public int deleteExpired(Instant now) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM idempotency_records WHERE expires_at <= ?")) {
            dialect.setInstant(ps, 1, now);
            return ps.executeUpdate();
          }
        });
  }

  private Optional<Entry> entry(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      int status = rs.getInt("status");
      SealedAnswer answer =
          rs.wasNull()
              ? null
              : new SealedAnswer(
                  status,
                  rs.getString("content_type"),
                  rs.getString("request_id"),
                  rs.getBytes("body_nonce"),
                  rs.getBytes("body_sealed"));
      return Optional.of(
          new Entry(rs.getString("request_hash"), dialect.getInstant(rs, "created_at"), answer));
    }
  }
}
