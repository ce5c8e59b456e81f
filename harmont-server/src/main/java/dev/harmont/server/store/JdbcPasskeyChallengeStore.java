package dev.harmont.server.store;

import dev.harmont.server.account.PasskeyChallenge;
import dev.harmont.server.account.PasskeyChallengeStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** {@link PasskeyChallengeStore} on the {@code passkey_challenges} table; hashes only. */
final class JdbcPasskeyChallengeStore implements PasskeyChallengeStore {
  private final Database db;
  private final Dialect dialect;

  JdbcPasskeyChallengeStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  @Override
  public void insert(PasskeyChallenge challenge, Instant now) {
    db.write(
        c -> {
          // Sign-in options need no account, so anyone can make rows: expired ones go here, which
          // bounds the table by the request rate times the challenges' lifetime.
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM passkey_challenges WHERE expires_at <= ?")) {
            dialect.setInstant(ps, 1, now);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO passkey_challenges (id, challenge_hash, purpose, user_id,"
                      + " user_handle, created_at, expires_at, link_hash)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            dialect.setUuid(ps, 1, challenge.id());
            ps.setString(2, challenge.challengeHash());
            ps.setString(3, challenge.purpose().wire());
            dialect.setUuid(ps, 4, challenge.userId());
            ps.setString(5, challenge.userHandle());
            dialect.setInstant(ps, 6, challenge.createdAt());
            dialect.setInstant(ps, 7, challenge.expiresAt());
            ps.setString(8, challenge.linkHash());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<PasskeyChallenge> consume(UUID id) {
    return db.write(
        c -> {
          // The delete decides who wins: of two transactions deleting one row, only one gets it
          // back (PostgreSQL makes the second wait, then finds nothing; SQLite writes one at a
          // time). Both databases accept DELETE … RETURNING.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM passkey_challenges WHERE id = ? RETURNING id, challenge_hash,"
                      + " purpose, user_id, user_handle, created_at, expires_at, link_hash")) {
            dialect.setUuid(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<PasskeyChallenge>empty();
              }
              return Optional.of(
                  new PasskeyChallenge(
                      dialect.getUuid(rs, "id"),
                      rs.getString("challenge_hash"),
                      PasskeyChallenge.Purpose.fromWire(rs.getString("purpose")),
                      dialect.getUuid(rs, "user_id"),
                      rs.getString("user_handle"),
                      dialect.getInstant(rs, "created_at"),
                      dialect.getInstant(rs, "expires_at"),
                      rs.getString("link_hash")));
            }
          }
        });
  }
}
