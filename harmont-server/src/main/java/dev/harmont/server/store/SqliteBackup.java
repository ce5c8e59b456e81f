package dev.harmont.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * An online backup of the embedded SQLite database: a consistent copy taken while servers read and
 * write it. {@code VACUUM INTO} copies the database as one read transaction sees it (in WAL mode a
 * reader never blocks the writer, nor the writer it), so the copy holds every write committed
 * before the copy began and none of those committed after, whole. It goes to a hidden file next to
 * the target, is fsynced, then renamed to the target, which is never overwritten; the copy is then
 * checked ({@code PRAGMA integrity_check}) and described.
 */
public final class SqliteBackup {
  private static final String SQLITE_PREFIX = "jdbc:sqlite:";
  private static final int BUSY_TIMEOUT_MS = 5000;

  /**
   * What was copied.
   *
   * @param integrity the copy's {@code PRAGMA integrity_check}: {@code ok}, or the first problem
   * @param schemaVersion the newest migration applied to the copy, null when it has none
   */
  public record Result(
      String source,
      Path file,
      long bytes,
      long users,
      long apiKeys,
      long sessions,
      String schemaVersion,
      String integrity) {}

  private SqliteBackup() {}

  /** True when {@code settings} name a SQLite database (the embedded one or a jdbc:sqlite URL). */
  public static boolean supports(DatabaseSettings settings) {
    return settings.jdbcUrl().startsWith(SQLITE_PREFIX);
  }

  /**
   * Copies the SQLite database of {@code settings} to {@code target}.
   *
   * @throws FileAlreadyExistsException when {@code target} exists (it is left alone)
   * @throws NoSuchFileException when there is no database to copy, or no folder for the target
   * @throws IllegalArgumentException when {@code settings} do not name a SQLite database
   */
  public static Result copy(DatabaseSettings settings, Path target)
      throws IOException, SQLException {
    if (!supports(settings)) {
      throw new IllegalArgumentException("Not a SQLite database: " + settings.describe());
    }
    String url = settings.jdbcUrl();
    Path source = sourceFile(url);
    if (source != null && !Files.isRegularFile(source)) {
      throw new NoSuchFileException(source.toString(), null, "no database here to back up");
    }
    Path file = target.toAbsolutePath().normalize();
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite it");
    }
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such directory for the backup");
    }
    Path partial = dir.resolve("." + file.getFileName() + ".partial-" + UUID.randomUUID());
    try {
      try (Connection c = open(url);
          PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
        vacuum.setString(1, partial.toString());
        vacuum.execute();
      }
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      // Without REPLACE_EXISTING: a file that appeared meanwhile is not overwritten either.
      Files.move(partial, file);
      try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
        directory.force(true); // the rename itself survives a crash
      } catch (IOException e) {
        // Some file systems cannot sync a directory; the copy is complete regardless.
      }
    } finally {
      Files.deleteIfExists(partial);
    }
    return describe(settings.describe(), file);
  }

  /** Counts and checks what the copy at {@code file} holds. */
  private static Result describe(String source, Path file) throws IOException, SQLException {
    try (Connection c = open(SQLITE_PREFIX + file);
        Statement s = c.createStatement()) {
      String integrity;
      try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
        integrity = rs.next() ? rs.getString(1) : "no answer";
      }
      String version = null;
      try (ResultSet rs =
          s.executeQuery(
              "SELECT version FROM flyway_schema_history WHERE success"
                  + " ORDER BY installed_rank DESC LIMIT 1")) {
        if (rs.next()) {
          version = rs.getString(1);
        }
      } catch (SQLException e) {
        // No history: not a database harmont created. The counts below say what it holds.
      }
      return new Result(
          source,
          file,
          Files.size(file),
          count(s, "SELECT COUNT(*) FROM users"),
          count(s, "SELECT COUNT(*) FROM api_tokens WHERE kind = 'personal'"),
          count(s, "SELECT COUNT(*) FROM api_tokens WHERE kind = 'session'"),
          version,
          integrity);
    }
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static Connection open(String url) throws SQLException {
    Properties p = new Properties();
    p.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
    return DriverManager.getConnection(url, p);
  }

  /** The file of a jdbc:sqlite URL, or null for an in-memory or URI-style one. */
  private static Path sourceFile(String url) {
    String rest = url.substring(SQLITE_PREFIX.length());
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    if (rest.isEmpty() || rest.startsWith(":memory:") || rest.startsWith("file:")) {
      return null;
    }
    return Path.of(rest).toAbsolutePath();
  }
}
