package dev.harmont.server.store;

import dev.harmont.server.account.EventCursor;
import dev.harmont.server.account.EventStore;
import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.SecurityEventType;
import dev.harmont.server.account.SignInMethod;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@link EventStore} on the {@code security_events} table, and the one INSERT the other stores run
 * inside their own transactions ({@link #insert}), so that a change and its event commit together.
 */
final class JdbcEventStore implements EventStore {
  private static final String COLUMNS =
      "id, user_id, type, created_at, ip, user_agent, request_id, api_token_id, method,"
          + " passkey_id, provider";

  private final Database db;
  private final Dialect dialect;

  JdbcEventStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  /** Stores {@code event} on {@code c}, in whatever transaction the caller has open. */
  static void insert(Connection c, Dialect dialect, SecurityEvent event) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO security_events ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      dialect.setUuid(ps, 1, event.id());
      dialect.setUuid(ps, 2, event.userId());
      ps.setString(3, event.type().wire());
      dialect.setInstant(ps, 4, event.createdAt());
      ps.setString(5, event.ip());
      ps.setString(6, event.userAgent());
      ps.setString(7, event.requestId());
      dialect.setUuid(ps, 8, event.apiTokenId());
      ps.setString(9, event.method() == null ? null : event.method().wire());
      dialect.setUuid(ps, 10, event.passkeyId());
      ps.setString(11, event.provider());
      ps.executeUpdate();
    }
  }

  @Override
  public List<SecurityEvent> list(UUID userId, Instant notBefore, EventCursor before, int limit) {
    return Jdbc.read(
        db.reads(),
        c -> {
          String sql =
              "SELECT "
                  + COLUMNS
                  + " FROM security_events WHERE user_id = ? AND created_at >= ?"
                  + (before == null ? "" : " AND (created_at < ? OR (created_at = ? AND id < ?))")
                  + " ORDER BY created_at DESC, id DESC LIMIT ?";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            dialect.setUuid(ps, i++, userId);
            dialect.setInstant(ps, i++, notBefore);
            if (before != null) {
              dialect.setInstant(ps, i++, before.createdAt());
              dialect.setInstant(ps, i++, before.createdAt());
              dialect.setUuid(ps, i++, before.id());
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
              List<SecurityEvent> out = new ArrayList<>();
              while (rs.next()) {
                out.add(
                    new SecurityEvent(
                        dialect.getUuid(rs, "id"),
                        dialect.getUuid(rs, "user_id"),
                        SecurityEventType.fromWire(rs.getString("type")),
                        dialect.getInstant(rs, "created_at"),
                        rs.getString("ip"),
                        rs.getString("user_agent"),
                        rs.getString("request_id"),
                        dialect.getUuid(rs, "api_token_id"),
                        SignInMethod.fromWire(rs.getString("method")),
                        dialect.getUuid(rs, "passkey_id"),
                        rs.getString("provider")));
              }
              return out;
            }
          }
        });
  }

  @Override
  public void insert(SecurityEvent event) {
    db.write(
        c -> {
          insert(c, dialect, event);
          return null;
        });
  }

  @Override
  public int deleteOlderThan(Instant cutoff) {
    return db.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM security_events WHERE created_at < ?")) {
            dialect.setInstant(ps, 1, cutoff);
            return ps.executeUpdate();
          }
        });
  }
}
