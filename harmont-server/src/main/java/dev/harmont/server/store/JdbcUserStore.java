package dev.harmont.server.store;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.User;
import dev.harmont.server.account.UserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** {@link UserStore} on the {@code users} and {@code organizations} tables. */
final class JdbcUserStore implements UserStore {
  // Two writers racing for the same slug on PostgreSQL: the loser retries with the next suffix.
  private static final int SLUG_ATTEMPTS = 5;

  static final String USER_COLUMNS =
      "u.id AS user_id, u.email, u.name, u.personal_org_id, o.slug AS org_slug,"
          + " u.created_at AS user_created_at, u.updated_at AS user_updated_at";
  static final String USER_FROM =
      " FROM users u LEFT JOIN organizations o ON o.id = u.personal_org_id";

  private final Database db;
  private final Dialect dialect;

  JdbcUserStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public User create(
      UUID userId, UUID orgId, String email, String name, String slugBase, Instant now) {
    for (int attempt = 1; ; attempt++) {
      try {
        return db.write(
            c -> insertUserAndOrg(c, dialect, userId, orgId, email, name, slugBase, now));
      } catch (SlugTaken e) {
        if (attempt >= SLUG_ATTEMPTS) {
          throw new IllegalStateException("could not find a free slug for " + slugBase, e);
        }
      }
    }
  }

  /**
   * Inserts a user and their personal organization inside a transaction; {@link #emailTaken} when
   * the address has an account, {@link SlugTaken} when a concurrent writer took the slug.
   */
  static User insertUserAndOrg(
      Connection c,
      Dialect dialect,
      UUID userId,
      UUID orgId,
      String email,
      String name,
      String slugBase,
      Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users WHERE email = ?")) {
      ps.setString(1, email);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          throw emailTaken(email);
        }
      }
    }
    String slug = freeSlug(c, slugBase);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO organizations (id, slug, name, created_at) VALUES (?, ?, ?, ?)")) {
      dialect.setUuid(ps, 1, orgId);
      ps.setString(2, slug);
      ps.setString(3, name);
      dialect.setInstant(ps, 4, now);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (SqlErrors.isUniqueViolation(e)) {
        throw new SlugTaken(e);
      }
      throw e;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO users (id, email, name, personal_org_id, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      dialect.setUuid(ps, 1, userId);
      ps.setString(2, email);
      ps.setString(3, name);
      dialect.setUuid(ps, 4, orgId);
      dialect.setInstant(ps, 5, now);
      dialect.setInstant(ps, 6, now);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (SqlErrors.isUniqueViolation(e)) {
        throw emailTaken(email);
      }
      throw e;
    }
    return new User(userId, email, name, orgId, slug, now, now);
  }

  /** The first of {@code base}, {@code base-2}, {@code base-3}… that no organization uses. */
  private static String freeSlug(Connection c, String base) throws SQLException {
    Set<String> taken = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT slug FROM organizations WHERE slug = ? OR slug LIKE ?")) {
      ps.setString(1, base);
      ps.setString(2, base + "-%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          taken.add(rs.getString(1));
        }
      }
    }
    if (!taken.contains(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      String candidate = base + "-" + n;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  static HarmontException emailTaken(String email) {
    return new HarmontException(
        ErrorCode.EMAIL_TAKEN, "A user with the email address `" + email + "` already exists.");
  }

  @Override
  public boolean hasAnyUser() {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users LIMIT 1");
              ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        });
  }

  @Override
  public Optional<User> findByEmail(String email) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + USER_COLUMNS + USER_FROM + " WHERE u.email = ?")) {
            ps.setString(1, email);
            return one(ps);
          }
        });
  }

  @Override
  public Optional<User> findById(UUID id) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + USER_COLUMNS + USER_FROM + " WHERE u.id = ?")) {
            dialect.setUuid(ps, 1, id);
            return one(ps);
          }
        });
  }

  @Override
  public Optional<User> rename(UUID id, String name, Instant now, SecurityEvent event) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE users SET name = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, name);
            dialect.setInstant(ps, 2, now);
            dialect.setUuid(ps, 3, id);
            if (ps.executeUpdate() == 0) {
              return Optional.empty();
            }
          }
          db.notices().userChanged(c, id);
          JdbcEventStore.insert(c, dialect, event);
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + USER_COLUMNS + USER_FROM + " WHERE u.id = ?")) {
            dialect.setUuid(ps, 1, id);
            return one(ps);
          }
        });
  }

  @Override
  public boolean delete(UUID id) {
    return db.write(
        c -> {
          UUID orgId = null;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT personal_org_id FROM users WHERE id = ?")) {
            dialect.setUuid(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return false;
              }
              orgId = dialect.getUuid(rs, "personal_org_id");
            }
          }
          // Tokens go explicitly (not only by cascade) so the outcome never depends on a
          // connection's foreign-key setting.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM api_tokens WHERE user_id = ? RETURNING token_hash, previous_hash")) {
            dialect.setUuid(ps, 1, id);
            db.notices().tokensEnded(c, id, JdbcTokenStore.endedHashes(ps));
          }
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM security_events WHERE user_id = ?")) {
            dialect.setUuid(ps, 1, id);
            ps.executeUpdate();
          }
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
            dialect.setUuid(ps, 1, id);
            ps.executeUpdate();
          }
          if (orgId != null) {
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM organizations WHERE id = ?")) {
              dialect.setUuid(ps, 1, orgId);
              ps.executeUpdate();
            }
          }
          return true;
        });
  }

  private Optional<User> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(readUser(dialect, rs)) : Optional.empty();
    }
  }

  /** Reads the columns of {@link #USER_COLUMNS}. */
  static User readUser(Dialect dialect, ResultSet rs) throws SQLException {
    return new User(
        dialect.getUuid(rs, "user_id"),
        rs.getString("email"),
        rs.getString("name"),
        dialect.getUuid(rs, "personal_org_id"),
        rs.getString("org_slug"),
        dialect.getInstant(rs, "user_created_at"),
        dialect.getInstant(rs, "user_updated_at"));
  }

  /** A slug collision with a concurrent writer; the transaction is retried. */
  static final class SlugTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SlugTaken(SQLException cause) {
      super(cause);
    }
  }
}
