package dev.harmont.server.store;

import java.nio.file.Path;

/**
 * Where the data lives. Either a JDBC URL ({@code jdbc:postgresql:…} or {@code jdbc:sqlite:…}), or,
 * when it is null, the embedded SQLite file {@code harmont.db} in {@code dataDir}.
 *
 * <p>PostgreSQL credentials may be in the URL ({@code //user:password@host…} or {@code
 * user=}/{@code password=} parameters) or in {@code user} and {@code password}; the same value in
 * both places is fine, different ones are refused when the database is opened.
 *
 * @param poolSize connections in the pool (PostgreSQL), or reader connections (SQLite, which writes
 *     through a single connection of its own)
 * @param sqliteSynchronous when a SQLite commit is on disk (ignored for PostgreSQL)
 */
public record DatabaseSettings(
    Path dataDir,
    String url,
    String user,
    String password,
    int poolSize,
    SqliteSynchronous sqliteSynchronous) {

  public static final int DEFAULT_POOL_SIZE = 8;

  /** A write is answered once it is on disk: a 201 survives a power loss. */
  public static final SqliteSynchronous DEFAULT_SQLITE_SYNCHRONOUS = SqliteSynchronous.FULL;

  public DatabaseSettings {
    if (sqliteSynchronous == null) {
      sqliteSynchronous = DEFAULT_SQLITE_SYNCHRONOUS;
    }
  }

  /** Settings with SQLite's default durability, {@link #DEFAULT_SQLITE_SYNCHRONOUS}. */
  public DatabaseSettings(Path dataDir, String url, String user, String password, int poolSize) {
    this(dataDir, url, user, password, poolSize, DEFAULT_SQLITE_SYNCHRONOUS);
  }

  public static DatabaseSettings embedded(Path dataDir) {
    return new DatabaseSettings(dataDir, null, null, null, DEFAULT_POOL_SIZE);
  }

  public DatabaseSettings withSqliteSynchronous(SqliteSynchronous value) {
    return new DatabaseSettings(dataDir, url, user, password, poolSize, value);
  }

  /** The JDBC URL to open: the given one, or the embedded file's. */
  public String jdbcUrl() {
    if (url != null && !url.isBlank()) {
      return url.strip();
    }
    return "jdbc:sqlite:" + dataDir.resolve("harmont.db").toAbsolutePath();
  }

  /** The URL without credentials, for people and logs. */
  public String describe() {
    return Database.redact(jdbcUrl());
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url="
        + Database.redact(jdbcUrl())
        + ", user="
        + user
        + ", password="
        + (password == null ? "null" : "<redacted>")
        + ", poolSize="
        + poolSize
        + ", sqliteSynchronous="
        + sqliteSynchronous
        + "]";
  }
}
