package dev.harmont.server.store;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Passkey;
import dev.harmont.server.account.PasskeyStore;
import dev.harmont.server.account.SecurityEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link PasskeyStore} on the {@code passkeys} table. Passkeys are never cached: every sign-in
 * reads its row, so a removed passkey is refused at once on every node.
 */
final class JdbcPasskeyStore implements PasskeyStore {
  private static final String COLUMNS =
      "id, user_id, credential_id, public_key, sign_count, aaguid, transports, uv_initialized,"
          + " backup_eligible, backed_up, user_handle, nickname, created_at, last_used_at";

  private final Database db;
  private final Dialect dialect;

  JdbcPasskeyStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public List<Passkey> list(UUID userId) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM passkeys WHERE user_id = ? ORDER BY created_at, id")) {
            dialect.setUuid(ps, 1, userId);
            try (ResultSet rs = ps.executeQuery()) {
              List<Passkey> out = new ArrayList<>();
              while (rs.next()) {
                out.add(passkey(rs));
              }
              return out;
            }
          }
        });
  }

  @Override
  public Optional<Passkey> findByCredentialId(String credentialId) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM passkeys WHERE credential_id = ?")) {
            ps.setString(1, credentialId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(passkey(rs)) : Optional.<Passkey>empty();
            }
          }
        });
  }

  @Override
  public boolean insert(Passkey p, SecurityEvent event) {
    return db.write(
        c -> {
          if (!insert(c, dialect, p)) {
            return false;
          }
          JdbcEventStore.insert(c, dialect, event);
          return true;
        });
  }

  /**
   * Inserts a passkey inside a transaction; false when its credential is already registered
   * (checked first rather than caught: a failed statement would abort a PostgreSQL transaction; the
   * unique constraint still decides a race).
   */
  static boolean insert(Connection c, Dialect dialect, Passkey p) throws SQLException {
    if (credentialExists(c, p.credentialId())) {
      return false;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO passkeys ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      dialect.setUuid(ps, 1, p.id());
      dialect.setUuid(ps, 2, p.userId());
      ps.setString(3, p.credentialId());
      ps.setBytes(4, p.publicKey());
      ps.setLong(5, p.signCount());
      dialect.setUuid(ps, 6, p.aaguid());
      ps.setString(7, p.transports());
      ps.setBoolean(8, p.uvInitialized());
      ps.setBoolean(9, p.backupEligible());
      ps.setBoolean(10, p.backedUp());
      ps.setString(11, p.userHandle());
      ps.setString(12, p.nickname());
      dialect.setInstant(ps, 13, p.createdAt());
      dialect.setInstant(ps, 14, p.lastUsedAt());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (SqlErrors.isForeignKeyViolation(e)) {
        // The account was deleted while this request was on its way.
        throw new HarmontException(ErrorCode.UNAUTHORIZED);
      }
      if (SqlErrors.isUniqueViolation(e)) {
        throw new HarmontException(ErrorCode.PASSKEY_ALREADY_REGISTERED);
      }
      throw e;
    }
    return true;
  }

  private static boolean credentialExists(Connection c, String credentialId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM passkeys WHERE credential_id = ?")) {
      ps.setString(1, credentialId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public boolean recordUse(UUID id, long signCount, boolean backedUp, Instant lastUsedAt) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE passkeys SET sign_count = ?, backed_up = ?, last_used_at = ?"
                      + " WHERE id = ?")) {
            ps.setLong(1, signCount);
            ps.setBoolean(2, backedUp);
            dialect.setInstant(ps, 3, lastUsedAt);
            dialect.setUuid(ps, 4, id);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<Passkey> rename(UUID userId, UUID id, String nickname, SecurityEvent event) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE passkeys SET nickname = ? WHERE id = ? AND user_id = ?")) {
            ps.setString(1, nickname);
            dialect.setUuid(ps, 2, id);
            dialect.setUuid(ps, 3, userId);
            if (ps.executeUpdate() != 1) {
              return Optional.<Passkey>empty();
            }
          }
          JdbcEventStore.insert(c, dialect, event);
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM passkeys WHERE id = ?")) {
            dialect.setUuid(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return Optional.of(passkey(rs));
            }
          }
        });
  }

  @Override
  public Removal remove(UUID userId, UUID id, SecurityEvent event) {
    return db.write(
        c -> {
          // One user's removals run one at a time (PostgreSQL: the user's row is locked; SQLite:
          // writes are serial), so the count below cannot be stale when the delete runs.
          dialect.lockUser(c, userId);
          int count;
          boolean theirs;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*), SUM(CASE WHEN id = ? THEN 1 ELSE 0 END) FROM passkeys"
                      + " WHERE user_id = ?")) {
            dialect.setUuid(ps, 1, id);
            dialect.setUuid(ps, 2, userId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              count = rs.getInt(1);
              theirs = rs.getInt(2) > 0;
            }
          }
          if (!theirs) {
            return Removal.NOT_FOUND;
          }
          if (count <= 1) {
            return Removal.LAST;
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM passkeys WHERE id = ? AND user_id = ?")) {
            dialect.setUuid(ps, 1, id);
            dialect.setUuid(ps, 2, userId);
            ps.executeUpdate();
          }
          JdbcEventStore.insert(c, dialect, event);
          return Removal.REMOVED;
        });
  }

  private Passkey passkey(ResultSet rs) throws SQLException {
    return new Passkey(
        dialect.getUuid(rs, "id"),
        dialect.getUuid(rs, "user_id"),
        rs.getString("credential_id"),
        rs.getBytes("public_key"),
        rs.getLong("sign_count"),
        dialect.getUuid(rs, "aaguid"),
        rs.getString("transports"),
        rs.getBoolean("uv_initialized"),
        rs.getBoolean("backup_eligible"),
        rs.getBoolean("backed_up"),
        rs.getString("user_handle"),
        rs.getString("nickname"),
        dialect.getInstant(rs, "created_at"),
        dialect.getInstant(rs, "last_used_at"));
  }
}
