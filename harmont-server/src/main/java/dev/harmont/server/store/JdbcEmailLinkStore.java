package dev.harmont.server.store;

import dev.harmont.server.account.EmailLink;
import dev.harmont.server.account.EmailLinkStore;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Passkey;
import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.User;
import dev.harmont.server.mail.OutgoingMail;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link EmailLinkStore} on the {@code email_links} and {@code email_requests} tables; messages go
 * to the {@link MailOutbox} on the connection of the same write transaction. Tokens never reach
 * this class, only their hashes.
 */
final class JdbcEmailLinkStore implements EmailLinkStore {
  // Two sign-ups racing for one slug on PostgreSQL: the loser retries with the next suffix.
  private static final int SLUG_ATTEMPTS = 5;

  private final Database db;

  /** The advisory lock (PostgreSQL) that orders sign-ups under {@code --signup-cap}. */
  private static final long SIGN_UP_CAP_LOCK = 0x4861726d6f6e7401L; // "Harmont" + 1

  private final Dialect dialect;
  private final MailOutbox outbox;

  JdbcEmailLinkStore(Database db, MailOutbox outbox) {
    this.db = db;
    this.dialect = db.dialect();
    this.outbox = outbox;
  }

  @Override
  public boolean admit(List<String> keyHashes, int max, Instant since, Instant now) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM email_requests WHERE created_at <= ?")) {
            dialect.setInstant(ps, 1, since);
            ps.executeUpdate();
          }
          for (String key : keyHashes) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT COUNT(*) FROM email_requests WHERE key_hash = ? AND created_at > ?")) {
              ps.setString(1, key);
              dialect.setInstant(ps, 2, since);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= max) {
                  return false;
                }
              }
            }
          }
          for (String key : keyHashes) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO email_requests (key_hash, created_at) VALUES (?, ?)")) {
              ps.setString(1, key);
              dialect.setInstant(ps, 2, now);
              ps.executeUpdate();
            }
          }
          return true;
        });
  }

  @Override
  public long countUsers() {
    return Jdbc.read(db.reads(), JdbcEmailLinkStore::countUsers);
  }

  private static long countUsers(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM users");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void issue(EmailLink link, OutgoingMail mail, Instant now) {
    db.write(
        c -> {
          if (link != null) {
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM email_links WHERE expires_at <= ?")) {
              dialect.setInstant(ps, 1, now);
              ps.executeUpdate();
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO email_links (link_hash, purpose, email, name, user_id,"
                        + " created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
              ps.setString(1, link.linkHash());
              ps.setString(2, link.purpose().wire());
              ps.setString(3, link.email());
              ps.setString(4, link.name());
              dialect.setUuid(ps, 5, link.userId());
              dialect.setInstant(ps, 6, link.createdAt());
              dialect.setInstant(ps, 7, link.expiresAt());
              dialect.setInstant(ps, 8, link.usedAt());
              ps.executeUpdate();
            } catch (SQLException e) {
              if (SqlErrors.isForeignKeyViolation(e)) {
                // The account was deleted while this request was on its way.
                throw new HarmontException(ErrorCode.USER_NOT_FOUND);
              }
              throw e;
            }
          }
          if (mail != null) {
            outbox.enqueue(c, mail, now);
          }
          return null;
        });
  }

  @Override
  public Optional<EmailLink> find(String linkHash) {
    return Jdbc.read(
        db.reads(),
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT link_hash, purpose, email, name, user_id, created_at, expires_at,"
                      + " used_at FROM email_links WHERE link_hash = ?")) {
            ps.setString(1, linkHash);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<EmailLink>empty();
              }
              return Optional.of(
                  new EmailLink(
                      rs.getString("link_hash"),
                      EmailLink.Purpose.fromWire(rs.getString("purpose")),
                      rs.getString("email"),
                      rs.getString("name"),
                      dialect.getUuid(rs, "user_id"),
                      dialect.getInstant(rs, "created_at"),
                      dialect.getInstant(rs, "expires_at"),
                      dialect.getInstant(rs, "used_at")));
            }
          }
        });
  }

  @Override
  public Optional<User> signUp(
      String linkHash, NewAccount account, Passkey passkey, SecurityEvent event, long maxUsers) {
    for (int attempt = 1; ; attempt++) {
      try {
        return db.write(
            c -> {
              if (!spend(c, linkHash, EmailLink.Purpose.SIGN_UP, account.now())) {
                return Optional.<User>empty();
              }
              if (maxUsers > 0 && dialect == Dialect.POSTGRESQL) {
                // Two sign-ups finishing at once on different nodes must not both see room under
                // the cap: they take turns for the count and the insert (SQLite has one writer).
                try (PreparedStatement lock =
                    c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                  lock.setLong(1, SIGN_UP_CAP_LOCK);
                  lock.execute();
                }
              }
              if (maxUsers > 0 && countUsers(c) >= maxUsers) {
                throw new HarmontException(ErrorCode.SIGNUP_CAP_REACHED);
              }
              User user;
              try {
                user =
                    JdbcUserStore.insertUserAndOrg(
                        c,
                        dialect,
                        account.userId(),
                        account.orgId(),
                        account.email(),
                        account.name(),
                        account.slugBase(),
                        account.now());
              } catch (HarmontException e) {
                if (e.code() == ErrorCode.EMAIL_TAKEN) {
                  throw new HarmontException(ErrorCode.PASSKEY_SIGNUP_EMAIL_TAKEN);
                }
                throw e;
              }
              if (!JdbcPasskeyStore.insert(c, dialect, passkey)) {
                throw new HarmontException(ErrorCode.PASSKEY_ALREADY_REGISTERED);
              }
              JdbcEventStore.insert(c, dialect, event);
              return Optional.of(user);
            });
      } catch (JdbcUserStore.SlugTaken e) {
        if (attempt >= SLUG_ATTEMPTS) {
          throw new IllegalStateException("could not find a free slug for a sign-up", e);
        }
      }
    }
  }

  @Override
  public boolean recover(String linkHash, Passkey passkey, SecurityEvent event, Instant now) {
    return db.write(
        c -> {
          boolean spent;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE email_links SET used_at = ? WHERE link_hash = ? AND used_at IS NULL"
                      + " AND expires_at > ? AND user_id = ? AND purpose IN (?, ?)")) {
            dialect.setInstant(ps, 1, now);
            ps.setString(2, linkHash);
            dialect.setInstant(ps, 3, now);
            dialect.setUuid(ps, 4, passkey.userId());
            ps.setString(5, EmailLink.Purpose.RECOVERY.wire());
            ps.setString(6, EmailLink.Purpose.INVITE.wire());
            spent = ps.executeUpdate() == 1;
          }
          if (!spent) {
            return false;
          }
          if (!JdbcPasskeyStore.insert(c, dialect, passkey)) {
            throw new HarmontException(ErrorCode.PASSKEY_ALREADY_REGISTERED);
          }
          JdbcEventStore.insert(c, dialect, event);
          return true;
        });
  }

  /**
   * Marks a live link of {@code purpose} used. The update decides who wins: of two transactions
   * spending one link only one changes the row (PostgreSQL makes the second wait, then its
   * condition no longer holds; SQLite writes one at a time).
   */
  private boolean spend(Connection c, String linkHash, EmailLink.Purpose purpose, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE email_links SET used_at = ? WHERE link_hash = ? AND used_at IS NULL"
                + " AND expires_at > ? AND purpose = ?")) {
      dialect.setInstant(ps, 1, now);
      ps.setString(2, linkHash);
      dialect.setInstant(ps, 3, now);
      ps.setString(4, purpose.wire());
      return ps.executeUpdate() == 1;
    }
  }
}
