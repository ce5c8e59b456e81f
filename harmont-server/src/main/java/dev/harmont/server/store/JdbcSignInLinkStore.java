package dev.harmont.server.store;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SignInLinkStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** {@link SignInLinkStore} on the {@code sign_in_links} table. Codes never reach this class. */
final class JdbcSignInLinkStore implements SignInLinkStore {
  private final Database db;
  private final Dialect dialect;

  JdbcSignInLinkStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public void insert(String codeHash, UUID userId, Instant createdAt, Instant expiresAt) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM sign_in_links WHERE expires_at <= ?")) {
            dialect.setInstant(ps, 1, createdAt);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO sign_in_links (code_hash, user_id, created_at, expires_at)"
                      + " VALUES (?, ?, ?, ?)")) {
            ps.setString(1, codeHash);
            dialect.setUuid(ps, 2, userId);
            dialect.setInstant(ps, 3, createdAt);
            dialect.setInstant(ps, 4, expiresAt);
            ps.executeUpdate();
          } catch (SQLException e) {
            if (SqlErrors.isForeignKeyViolation(e)) {
              throw new HarmontException(ErrorCode.USER_NOT_FOUND);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public Optional<UUID> consume(String codeHash, Instant now) {
    return db.write(
        c -> {
          UUID userId;
          Instant expiresAt;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_id, expires_at FROM sign_in_links WHERE code_hash = ?")) {
            ps.setString(1, codeHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<UUID>empty();
              }
              userId = dialect.getUuid(rs, "user_id");
              expiresAt = dialect.getInstant(rs, "expires_at");
            }
          }
          // The delete decides who wins: of two transactions that both read the row, only one
          // deletes it (PostgreSQL makes the second wait, then finds nothing; SQLite runs writes
          // one at a time).
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM sign_in_links WHERE code_hash = ?")) {
            ps.setString(1, codeHash);
            if (ps.executeUpdate() != 1) {
              return Optional.<UUID>empty();
            }
          }
          return expiresAt.isAfter(now) ? Optional.of(userId) : Optional.<UUID>empty();
        });
  }
}
