package dev.harmont.server.store;

import dev.harmont.server.account.ApiToken;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SecurityEvent;
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
      "t.id AS token_id, t.user_id AS token_user_id, t.kind, t.description, t.hint,"
          + " t.created_at AS token_created_at, t.rotated_at, t.expires_at, t.last_used_at";

  // The hot path: the unique index on token_hash, then two primary-key joins.
  private static final String FIND_BY_HASH =
      "SELECT "
          + TOKEN_COLUMNS
          + ", "
          + JdbcUserStore.USER_COLUMNS
          + " FROM api_tokens t JOIN users u ON u.id = t.user_id"
          + " LEFT JOIN organizations o ON o.id = u.personal_org_id"
          + " WHERE t.token_hash = ?";

  // Only when the hot path found nothing: a secret replaced by a rotation, in its grace period
  // (the domain checks the end, so that a cached answer obeys it too).
  private static final String FIND_BY_PREVIOUS_HASH =
      "SELECT "
          + TOKEN_COLUMNS
          + ", t.previous_hash_ends_at, "
          + JdbcUserStore.USER_COLUMNS
          + " FROM api_tokens t JOIN users u ON u.id = t.user_id"
          + " LEFT JOIN organizations o ON o.id = u.personal_org_id"
          + " WHERE t.previous_hash = ?";

  private final Database db;
  private final Dialect dialect;

  JdbcTokenStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public boolean insert(
      ApiToken token, String secretHash, int maxLivePersonal, SecurityEvent event) {
    return db.write(
        c -> {
          if (!insert(c, dialect, token, secretHash, maxLivePersonal)) {
            return false;
          }
          JdbcEventStore.insert(c, dialect, event);
          return true;
        });
  }

  /**
   * {@link #insert(ApiToken, String, int, SecurityEvent)} without its event, inside a transaction
   * the caller holds (also used when a CLI grant is redeemed, so that the grant and its key commit
   * together).
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
            "INSERT INTO api_tokens (id, user_id, kind, token_hash, description, hint,"
                + " created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      dialect.setUuid(ps, 1, token.id());
      dialect.setUuid(ps, 2, token.userId());
      ps.setString(3, token.kind().dbValue());
      ps.setString(4, secretHash);
      ps.setString(5, token.description());
      ps.setString(6, token.hint());
      dialect.setInstant(ps, 7, token.createdAt());
      dialect.setInstant(ps, 8, token.expiresAt());
      dialect.setInstant(ps, 9, token.lastUsedAt());
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
              if (rs.next()) {
                return Optional.of(
                    new Authenticated(JdbcUserStore.readUser(dialect, rs), readToken(rs)));
              }
            }
          }
          try (PreparedStatement ps = c.prepareStatement(FIND_BY_PREVIOUS_HASH)) {
            ps.setString(1, secretHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new Authenticated(
                      JdbcUserStore.readUser(dialect, rs),
                      readToken(rs),
                      dialect.getInstant(rs, "previous_hash_ends_at")));
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
  public Optional<KeyState> findPersonal(UUID userId, UUID tokenId) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + TOKEN_COLUMNS
                      + ", t.token_hash FROM api_tokens t"
                      + " WHERE t.id = ? AND t.user_id = ? AND t.kind = ?")) {
            dialect.setUuid(ps, 1, tokenId);
            dialect.setUuid(ps, 2, userId);
            ps.setString(3, TokenKind.PERSONAL.dbValue());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new KeyState(readToken(rs), rs.getString("token_hash")))
                  : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean rotate(Rotation r, SecurityEvent event) {
    return db.write(
        c -> {
          // Conditional on the hash read before: a concurrent rotation that committed first has
          // changed it, so this one updates nothing (PostgreSQL re-checks the condition after
          // waiting for the winner's row lock; SQLite runs writes one at a time).
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE api_tokens SET token_hash = ?, hint = ?, rotated_at = ?, expires_at = ?,"
                      + " previous_hash = ?, previous_hash_ends_at = ?"
                      + " WHERE id = ? AND user_id = ? AND kind = ? AND token_hash = ?")) {
            ps.setString(1, r.newHash());
            ps.setString(2, r.hint());
            dialect.setInstant(ps, 3, r.rotatedAt());
            dialect.setInstant(ps, 4, r.expiresAt());
            ps.setString(5, r.previousHash());
            dialect.setInstant(ps, 6, r.previousEndsAt());
            dialect.setUuid(ps, 7, r.tokenId());
            dialect.setUuid(ps, 8, r.userId());
            ps.setString(9, TokenKind.PERSONAL.dbValue());
            ps.setString(10, r.expectedHash());
            if (ps.executeUpdate() != 1) {
              return false;
            }
          }
          // Other nodes may hold the replaced secret (with the key's old expiry and no grace end)
          // and a secret replaced by an earlier rotation: all of this user's entries go, and the
          // next request reads the grace end from the database.
          db.notices().userChanged(c, r.userId());
          JdbcEventStore.insert(c, dialect, event);
          return true;
        });
  }

  @Override
  public boolean deletePersonal(UUID userId, UUID tokenId, SecurityEvent event) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM api_tokens WHERE id = ? AND user_id = ? AND kind = ?"
                      + " RETURNING token_hash, previous_hash")) {
            dialect.setUuid(ps, 1, tokenId);
            dialect.setUuid(ps, 2, userId);
            ps.setString(3, TokenKind.PERSONAL.dbValue());
            List<String> hashes = endedHashes(ps);
            if (hashes.isEmpty()) {
              return false;
            }
            db.notices().tokensEnded(c, userId, hashes);
          }
          JdbcEventStore.insert(c, dialect, event);
          return true;
        });
  }

  @Override
  public boolean delete(UUID tokenId, SecurityEvent event) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM api_tokens WHERE id = ?"
                      + " RETURNING token_hash, previous_hash, user_id")) {
            dialect.setUuid(ps, 1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return false;
              }
              List<String> hashes = new ArrayList<>(2);
              hashes.add(rs.getString("token_hash"));
              if (rs.getString("previous_hash") != null) {
                hashes.add(rs.getString("previous_hash"));
              }
              db.notices().tokensEnded(c, dialect.getUuid(rs, "user_id"), hashes);
            }
          }
          JdbcEventStore.insert(c, dialect, event);
          return true;
        });
  }

  /**
   * Every secret hash a {@code DELETE … RETURNING token_hash, previous_hash} ended: the current one
   * of each row, and the replaced one still in its grace period, if any.
   */
  static List<String> endedHashes(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
        String previous = rs.getString(2);
        if (previous != null) {
          out.add(previous);
        }
      }
      return out;
    }
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
        rs.getString("hint"),
        dialect.getInstant(rs, "token_created_at"),
        dialect.getInstant(rs, "rotated_at"),
        dialect.getInstant(rs, "expires_at"),
        dialect.getInstant(rs, "last_used_at"));
  }
}
