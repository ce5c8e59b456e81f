package dev.harmont.server.store;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.SsoIdentity;
import dev.harmont.server.account.SsoStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link SsoStore} on the {@code sso_identities}, {@code sso_states} and {@code sso_results}. */
final class JdbcSsoStore implements SsoStore {
  private static final String IDENTITY_COLUMNS =
      "id, user_id, provider, issuer, subject, email, linked_at, last_used_at";

  private final Database db;
  private final Dialect dialect;

  JdbcSsoStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  private SsoIdentity identity(ResultSet rs) throws SQLException {
    return new SsoIdentity(
        dialect.getUuid(rs, "id"),
        dialect.getUuid(rs, "user_id"),
        rs.getString("provider"),
        rs.getString("issuer"),
        rs.getString("subject"),
        rs.getString("email"),
        dialect.getInstant(rs, "linked_at"),
        dialect.getInstant(rs, "last_used_at"));
  }

  @Override
  public Optional<SsoIdentity> findIdentity(String issuer, String subject) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + IDENTITY_COLUMNS
                      + " FROM sso_identities WHERE issuer = ? AND subject = ?")) {
            ps.setString(1, issuer);
            ps.setString(2, subject);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(identity(rs)) : Optional.<SsoIdentity>empty();
            }
          }
        });
  }

  @Override
  public List<SsoIdentity> listIdentities(UUID userId) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + IDENTITY_COLUMNS
                      + " FROM sso_identities WHERE user_id = ? ORDER BY linked_at, id")) {
            dialect.setUuid(ps, 1, userId);
            try (ResultSet rs = ps.executeQuery()) {
              List<SsoIdentity> out = new ArrayList<>();
              while (rs.next()) {
                out.add(identity(rs));
              }
              return out;
            }
          }
        });
  }

  @Override
  public void link(SsoIdentity identity, SecurityEvent event) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM sso_identities WHERE issuer = ? AND subject = ?")) {
            ps.setString(1, identity.issuer());
            ps.setString(2, identity.subject());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                throw new HarmontException(ErrorCode.SSO_IDENTITY_TAKEN);
              }
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO sso_identities ("
                      + IDENTITY_COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            dialect.setUuid(ps, 1, identity.id());
            dialect.setUuid(ps, 2, identity.userId());
            ps.setString(3, identity.provider());
            ps.setString(4, identity.issuer());
            ps.setString(5, identity.subject());
            ps.setString(6, identity.email());
            dialect.setInstant(ps, 7, identity.linkedAt());
            dialect.setInstant(ps, 8, identity.lastUsedAt());
            ps.executeUpdate();
          } catch (SQLException e) {
            if (SqlErrors.isForeignKeyViolation(e)) {
              throw new HarmontException(ErrorCode.UNAUTHORIZED);
            }
            if (SqlErrors.isUniqueViolation(e)) {
              throw new HarmontException(ErrorCode.SSO_IDENTITY_TAKEN);
            }
            throw e;
          }
          JdbcEventStore.insert(c, dialect, event);
          return null;
        });
  }

  @Override
  public void recordUse(UUID id, String email, Instant at) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE sso_identities SET last_used_at = ?, email = ? WHERE id = ?")) {
            dialect.setInstant(ps, 1, at);
            ps.setString(2, email);
            dialect.setUuid(ps, 3, id);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public boolean unlink(UUID userId, UUID id, SecurityEvent event) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM sso_identities WHERE id = ? AND user_id = ?")) {
            dialect.setUuid(ps, 1, id);
            dialect.setUuid(ps, 2, userId);
            if (ps.executeUpdate() != 1) {
              return false;
            }
          }
          JdbcEventStore.insert(c, dialect, event);
          return true;
        });
  }

  @Override
  public void insertState(String stateHash, State state, Instant now) {
    db.write(
        c -> {
          // Starting needs no account, so anyone can make rows: expired ones go here, which
          // bounds the table by the request rate times the states' lifetime.
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM sso_states WHERE expires_at <= ?")) {
            dialect.setInstant(ps, 1, now);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO sso_states (state_hash, browser_hash, provider, return_to,"
                      + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, stateHash);
            ps.setString(2, state.browserHash());
            ps.setString(3, state.provider());
            ps.setString(4, state.returnTo());
            dialect.setInstant(ps, 5, now);
            dialect.setInstant(ps, 6, state.expiresAt());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<State> consumeState(String stateHash, Instant now) {
    return db.write(
        c -> {
          // The delete decides who wins (both databases accept DELETE … RETURNING).
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM sso_states WHERE state_hash = ? RETURNING browser_hash, provider,"
                      + " return_to, expires_at")) {
            ps.setString(1, stateHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<State>empty();
              }
              State state =
                  new State(
                      rs.getString("browser_hash"),
                      rs.getString("provider"),
                      rs.getString("return_to"),
                      dialect.getInstant(rs, "expires_at"));
              return state.expiresAt().isAfter(now) ? Optional.of(state) : Optional.<State>empty();
            }
          }
        });
  }

  @Override
  public void insertResult(String codeHash, Result result, Instant now, Instant expiresAt) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM sso_results WHERE expires_at <= ?")) {
            dialect.setInstant(ps, 1, now);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO sso_results (code_hash, user_id, provider, created_at, expires_at)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, codeHash);
            dialect.setUuid(ps, 2, result.userId());
            ps.setString(3, result.provider());
            dialect.setInstant(ps, 4, now);
            dialect.setInstant(ps, 5, expiresAt);
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<Result> consumeResult(String codeHash, Instant now) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM sso_results WHERE code_hash = ? RETURNING user_id, provider,"
                      + " expires_at")) {
            ps.setString(1, codeHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<Result>empty();
              }
              Result result = new Result(dialect.getUuid(rs, "user_id"), rs.getString("provider"));
              return dialect.getInstant(rs, "expires_at").isAfter(now)
                  ? Optional.of(result)
                  : Optional.<Result>empty();
            }
          }
        });
  }
}
