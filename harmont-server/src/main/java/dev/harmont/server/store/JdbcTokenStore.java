package dev.harmont.server.store;

import dev.harmont.server.account.ApiToken;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.TokenKind;
import dev.harmont.server.account.TokenStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link TokenStore} on the {@code api_tokens} table. Secrets never reach this class. */
final class JdbcTokenStore implements TokenStore {
  private static final String TOKEN_COLUMNS =
      "t.id AS token_id, t.user_id AS token_user_id, t.kind, t.description,"
          + " t.created_at AS token_created_at, t.expires_at, t.last_used_at";

  // The hot path: the unique index on token_hash, then two primary-key joins.
  private static final String FIND_BY_HASH =
      "SELECT "
          + TOKEN_COLUMNS
          + ", "
          + JdbcUserStore.USER_COLUMNS
          + " FROM api_tokens t JOIN users u ON u.id = t.user_id"
          + " LEFT JOIN organizations o ON o.id = u.personal_org_id"
          + " WHERE t.token_hash = ?";

  private final Database db;
  private final Dialect dialect;

  JdbcTokenStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public boolean insert(ApiToken token, String secretHash, int maxLivePersonal) {
    return db.write(c -> insert(c, dialect, token, secretHash, maxLivePersonal));
  }

  /**
   * {@link #insert(ApiToken, String, int)} inside a transaction the caller holds (also used when a
   * CLI grant is redeemed, so that the grant and its key commit together).
   */
  static boolean insert(
      Connection c, Dialect dialect, ApiToken token, String secretHash, int maxLivePersonal)
      throws SQLException {
    if (token.kind() == TokenKind.PERSONAL) {
      dialect.lockUser(c, token.userId());
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND kind = ?"
                  + " AND (expires_at IS NULL OR expires_at > ?)")) {
        dialect.setUuid(ps, 1, token.userId());
        ps.setString(2, TokenKind.PERSONAL.dbValue());
        dialect.setInstant(ps, 3, token.createdAt());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) >= maxLivePersonal) {
            return false;
          }
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO api_tokens (id, user_id, kind, token_hash, description,"
                + " created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      dialect.setUuid(ps, 1, token.id());
      dialect.setUuid(ps, 2, token.userId());
      ps.setString(3, token.kind().dbValue());
      ps.setString(4, secretHash);
      ps.setString(5, token.description());
      dialect.setInstant(ps, 6, token.createdAt());
      dialect.setInstant(ps, 7, token.expiresAt());
      dialect.setInstant(ps, 8, token.lastUsedAt());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (SqlErrors.isForeignKeyViolation(e)) {
        // The account was deleted while this request was on its way.
        throw new HarmontException(ErrorCode.UNAUTHORIZED);
      }
      throw e;
    }
    return true;
  }

  @Override
  public Optional<Authenticated> findByHash(String secretHash) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps = c.prepareStatement(FIND_BY_HASH)) {
            ps.setString(1, secretHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new Authenticated(JdbcUserStore.readUser(dialect, rs), readToken(rs)));
            }
          }
        });
  }

  @Override
  public List<ApiToken> listPersonal(UUID userId) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + TOKEN_COLUMNS
                      + " FROM api_tokens t WHERE t.user_id = ? AND t.kind = ?"
                      + " ORDER BY t.created_at DESC, t.id DESC")) {
            dialect.setUuid(ps, 1, userId);
            ps.setString(2, TokenKind.PERSONAL.dbValue());
            try (ResultSet rs = ps.executeQuery()) {
              List<ApiToken> out = new ArrayList<>();
              while (rs.next()) {
                out.add(readToken(rs));
              }
              return out;
            }
          }
        });
  }

  @Override
  public boolean deletePersonal(UUID userId, UUID tokenId) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM api_tokens WHERE id = ? AND user_id = ? AND kind = ?")) {
            dialect.setUuid(ps, 1, tokenId);
            dialect.setUuid(ps, 2, userId);
            ps.setString(3, TokenKind.PERSONAL.dbValue());
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean delete(UUID tokenId) {
    return db.write(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE id = ?")) {
            dialect.setUuid(ps, 1, tokenId);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void touch(UUID tokenId, Instant now, Instant notAfter) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE api_tokens SET last_used_at = ?"
                      + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)")) {
            dialect.setInstant(ps, 1, now);
            dialect.setUuid(ps, 2, tokenId);
            dialect.setInstant(ps, 3, notAfter);
            return ps.executeUpdate();
          }
        });
  }

  private ApiToken readToken(ResultSet rs) throws SQLException {
    return new ApiToken(
        dialect.getUuid(rs, "token_id"),
        dialect.getUuid(rs, "token_user_id"),
        TokenKind.fromDb(rs.getString("kind")),
        rs.getString("description"),
        dialect.getInstant(rs, "token_created_at"),
        dialect.getInstant(rs, "expires_at"),
        dialect.getInstant(rs, "last_used_at"));
  }
}
