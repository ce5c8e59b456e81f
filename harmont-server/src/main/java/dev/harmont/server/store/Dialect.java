package dev.harmont.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * What differs between the two databases at the JDBC level: how ids and instants are bound and
 * read. PostgreSQL has native {@code uuid} and {@code timestamptz}; SQLite stores both as text,
 * instants in a fixed-width UTC form so that text order is time order.
 */
public enum Dialect {
  SQLITE("sqlite") {
    @Override
    void lockUser(Connection c, UUID userId) {
      // Nothing to do: write transactions start with BEGIN IMMEDIATE and hold the database lock.
    }

    @Override
    void setUuid(PreparedStatement ps, int index, UUID id) throws SQLException {
      ps.setString(index, id == null ? null : id.toString());
    }

    @Override
    UUID getUuid(ResultSet rs, String column) throws SQLException {
      String text = rs.getString(column);
      return text == null ? null : UUID.fromString(text);
    }

    @Override
    void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
      ps.setString(index, instant == null ? null : FIXED_WIDTH_UTC.format(instant));
    }

    @Override
    Instant getInstant(ResultSet rs, String column) throws SQLException {
      String text = rs.getString(column);
      return text == null ? null : Instant.parse(text);
    }
  },
  POSTGRESQL("postgresql") {
    @Override
    void lockUser(Connection c, UUID userId) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT 1 FROM users WHERE id = ? FOR UPDATE")) {
        ps.setObject(1, userId);
        ps.executeQuery().close();
      }
    }

    @Override
    void setUuid(PreparedStatement ps, int index, UUID id) throws SQLException {
      ps.setObject(index, id);
    }

    @Override
    UUID getUuid(ResultSet rs, String column) throws SQLException {
      return rs.getObject(column, UUID.class);
    }

    @Override
    void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
      ps.setObject(index, instant == null ? null : instant.atOffset(ZoneOffset.UTC));
    }

    @Override
    Instant getInstant(ResultSet rs, String column) throws SQLException {
      OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
      return value == null ? null : value.toInstant();
    }
  };

  private static final DateTimeFormatter FIXED_WIDTH_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final String migrationFolder;

  Dialect(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  /** Flyway location of this database's migrations. */
  String migrationLocation() {
    return "classpath:db/migration/" + migrationFolder;
  }

  /** Serializes this transaction with others that lock the same user, until it ends. */
  abstract void lockUser(Connection c, UUID userId) throws SQLException;

  abstract void setUuid(PreparedStatement ps, int index, UUID id) throws SQLException;

  abstract UUID getUuid(ResultSet rs, String column) throws SQLException;

  abstract void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException;

  abstract Instant getInstant(ResultSet rs, String column) throws SQLException;

  static Dialect forUrl(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "Unsupported database URL (expected jdbc:sqlite:… or jdbc:postgresql:…): "
            + Database.redact(jdbcUrl));
  }
}
