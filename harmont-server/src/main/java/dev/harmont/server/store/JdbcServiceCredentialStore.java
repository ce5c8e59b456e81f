package dev.harmont.server.store;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.ServiceCredential;
import dev.harmont.server.account.ServiceCredentialStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link ServiceCredentialStore} on the {@code service_credentials} table. */
final class JdbcServiceCredentialStore implements ServiceCredentialStore {
  private static final String COLUMNS = "id, name, hint, created_at, revoked_at, last_used_at";

  private final Database db;
  private final Dialect dialect;

  JdbcServiceCredentialStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public void insert(ServiceCredential credential, String secretHash) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO service_credentials"
                      + " (id, name, secret_hash, hint, created_at) VALUES (?, ?, ?, ?, ?)")) {
            dialect.setUuid(ps, 1, credential.id());
            ps.setString(2, credential.name());
            ps.setString(3, secretHash);
            ps.setString(4, credential.hint());
            dialect.setInstant(ps, 5, credential.createdAt());
            ps.executeUpdate();
          } catch (SQLException e) {
            if (SqlErrors.isUniqueViolation(e)) {
              throw new HarmontException(ErrorCode.SERVICE_NAME_TAKEN);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public List<ServiceCredential> list() {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT " + COLUMNS + " FROM service_credentials ORDER BY created_at, id");
              ResultSet rs = ps.executeQuery()) {
            List<ServiceCredential> out = new ArrayList<>();
            while (rs.next()) {
              out.add(row(rs));
            }
            return out;
          }
        });
  }

  @Override
  public Optional<ServiceCredential> findActiveByHash(String secretHash) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM service_credentials WHERE secret_hash = ? AND revoked_at IS NULL")) {
            ps.setString(1, secretHash);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(row(rs)) : Optional.<ServiceCredential>empty();
            }
          }
        });
  }

  @Override
  public boolean revoke(String name, Instant now) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE service_credentials SET revoked_at = ?"
                      + " WHERE name = ? AND revoked_at IS NULL")) {
            dialect.setInstant(ps, 1, now);
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean exists(String name) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM service_credentials WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  @Override
  public void markUsed(UUID id, Instant now) {
    db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE service_credentials SET last_used_at = ? WHERE id = ?")) {
            dialect.setInstant(ps, 1, now);
            dialect.setUuid(ps, 2, id);
            ps.executeUpdate();
          }
          return null;
        });
  }

  private ServiceCredential row(ResultSet rs) throws SQLException {
    return new ServiceCredential(
        dialect.getUuid(rs, "id"),
        rs.getString("name"),
        rs.getString("hint"),
        dialect.getInstant(rs, "created_at"),
        dialect.getInstant(rs, "revoked_at"),
        dialect.getInstant(rs, "last_used_at"));
  }
}
