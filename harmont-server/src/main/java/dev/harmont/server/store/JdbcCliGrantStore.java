package dev.harmont.server.store;

import dev.harmont.server.account.ApiToken;
import dev.harmont.server.account.CliGrant;
import dev.harmont.server.account.CliGrantStore;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SecurityEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** {@link CliGrantStore} on the {@code cli_grants} table. Codes never reach this class. */
final class JdbcCliGrantStore implements CliGrantStore {
  private final Database db;
  private final Dialect dialect;

  JdbcCliGrantStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public void insert(CliGrant grant, String codeHash, Instant forgetBefore) {
    insert(grant, codeHash, forgetBefore, null);
  }

  @Override
  public void insertDenied(CliGrant grant, String codeHash, Instant forgetBefore) {
    insert(grant, codeHash, forgetBefore, grant.createdAt());
  }

  @Override
  public boolean isDenied(String denialHash, Instant now) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT 1 FROM cli_grants WHERE code_hash = ? AND used_at IS NOT NULL"
                      + " AND expires_at > ?")) {
            ps.setString(1, denialHash);
            dialect.setInstant(ps, 2, now);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  private void insert(CliGrant grant, String codeHash, Instant forgetBefore, Instant usedAt) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM cli_grants WHERE user_id = ? AND expires_at < ?")) {
            dialect.setUuid(ps, 1, grant.userId());
            dialect.setInstant(ps, 2, forgetBefore);
            ps.executeUpdate();
          }
          if (usedAt != null) {
            // A refusal replaces an earlier refusal of the same challenge (the same hash).
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM cli_grants WHERE code_hash = ? AND used_at IS NOT NULL")) {
              ps.setString(1, codeHash);
              ps.executeUpdate();
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO cli_grants (id, code_hash, user_id, code_challenge, client_name,"
                      + " created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            dialect.setUuid(ps, 1, grant.id());
            ps.setString(2, codeHash);
            dialect.setUuid(ps, 3, grant.userId());
            ps.setString(4, grant.codeChallenge());
            ps.setString(5, grant.clientName());
            dialect.setInstant(ps, 6, grant.createdAt());
            dialect.setInstant(ps, 7, grant.expiresAt());
            dialect.setInstant(ps, 8, usedAt);
            ps.executeUpdate();
          } catch (SQLException e) {
            if (SqlErrors.isForeignKeyViolation(e)) {
              // The account was deleted while this request was on its way.
              throw new HarmontException(ErrorCode.UNAUTHORIZED);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public Optional<ApiToken> redeem(
      String codeHash,
      String codeChallenge,
      Instant now,
      KeyFactory keys,
      String keyHash,
      int maxLivePersonal,
      Function<ApiToken, SecurityEvent> eventFor) {
    return db.write(
        c -> {
          // The conditional update decides: of concurrent redemptions of one code, the database
          // lets exactly one change the row (the others find used_at set, or wait for the row
          // lock and then find it set) — never a read followed by a separate write.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE cli_grants SET used_at = ? WHERE code_hash = ? AND code_challenge = ?"
                      + " AND used_at IS NULL AND expires_at > ?")) {
            dialect.setInstant(ps, 1, now);
            ps.setString(2, codeHash);
            ps.setString(3, codeChallenge);
            dialect.setInstant(ps, 4, now);
            if (ps.executeUpdate() != 1) {
              return Optional.empty();
            }
          }
          UUID userId;
          String clientName;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_id, client_name FROM cli_grants WHERE code_hash = ?")) {
            ps.setString(1, codeHash);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              userId = dialect.getUuid(rs, "user_id");
              clientName = rs.getString("client_name");
            }
          }
          ApiToken key = keys.keyFor(userId, clientName);
          if (!JdbcTokenStore.insert(c, dialect, key, keyHash, maxLivePersonal)) {
            // Thrown, not returned: the grant's update must be rolled back with it.
            throw new HarmontException(ErrorCode.API_TOKEN_LIMIT_REACHED);
          }
          JdbcEventStore.insert(c, dialect, eventFor.apply(key));
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE cli_grants SET api_token_id = ? WHERE code_hash = ?")) {
            dialect.setUuid(ps, 1, key.id());
            ps.setString(2, codeHash);
            ps.executeUpdate();
          }
          return Optional.of(key);
        });
  }

  @Override
  public Optional<IssuedKey> takeIssuedKey(String codeHash) {
    return db.write(
        c -> {
          UUID userId;
          UUID apiTokenId;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT user_id, api_token_id FROM cli_grants WHERE code_hash = ?"
                      + " AND used_at IS NOT NULL AND api_token_id IS NOT NULL")) {
            ps.setString(1, codeHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              userId = dialect.getUuid(rs, "user_id");
              apiTokenId = dialect.getUuid(rs, "api_token_id");
            }
          }
          // The conditional update decides: of two concurrent replays only one takes the key.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE cli_grants SET api_token_id = NULL WHERE code_hash = ?"
                      + " AND api_token_id = ?")) {
            ps.setString(1, codeHash);
            dialect.setUuid(ps, 2, apiTokenId);
            return ps.executeUpdate() == 1
                ? Optional.of(new IssuedKey(userId, apiTokenId))
                : Optional.<IssuedKey>empty();
          }
        });
  }
}
