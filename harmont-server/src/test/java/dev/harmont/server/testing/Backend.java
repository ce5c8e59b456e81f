package dev.harmont.server.testing;

import dev.harmont.server.store.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The databases the store and HTTP suites run on: SQLite always, PostgreSQL when {@code
 * HARMONT_TEST_POSTGRES_URL} is set (then an unreachable server fails the tests, it never skips
 * them). Each {@link TestDatabase} is fresh: a temporary SQLite file, or a new PostgreSQL schema
 * dropped afterwards, so runs never collide.
 */
public enum Backend {
  SQLITE,
  POSTGRESQL;

  public static final String POSTGRES_URL_VARIABLE = "HARMONT_TEST_POSTGRES_URL";
  // jdbc:postgresql://hosts/ then the database name, then the parameters.
  private static final Pattern DATABASE_IN_URL =
      Pattern.compile("(jdbc:postgresql://[^/]*/)([^?]*)(\\?.*)?");

  /** The backends configured for this run; the source of every parameterized suite. */
  public static List<Backend> all() {
    List<Backend> backends = new ArrayList<>(List.of(SQLITE));
    if (postgresUrl() != null) {
      backends.add(POSTGRESQL);
    }
    return backends;
  }

  static String postgresUrl() {
    String url = System.getenv(POSTGRES_URL_VARIABLE);
    return url == null || url.isBlank() ? null : url.strip();
  }

  /** A fresh, empty database of this kind. */
  public TestDatabase create() {
    return switch (this) {
      case SQLITE -> sqlite();
      case POSTGRESQL -> postgres();
    };
  }

  private static TestDatabase sqlite() {
    Path dir;
    try {
      dir = Files.createTempDirectory("harmont-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TestDatabase(DatabaseSettings.embedded(dir), () -> deleteTree(dir));
  }

  private static TestDatabase postgres() {
    String base = postgresUrl();
    if (base == null) {
      throw new IllegalStateException(POSTGRES_URL_VARIABLE + " is not set");
    }
    String schema = "harmont_test_" + UUID.randomUUID().toString().replace("-", "");
    execute(base, "CREATE SCHEMA " + schema);
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    DatabaseSettings settings =
        new DatabaseSettings(
            Path.of(System.getProperty("java.io.tmpdir")),
            url,
            System.getenv("HARMONT_DATABASE_USER"),
            System.getenv("HARMONT_DATABASE_PASSWORD"),
            4);
    return new TestDatabase(settings, () -> execute(base, "DROP SCHEMA " + schema + " CASCADE"));
  }

  /**
   * A fresh PostgreSQL database of its own, not a schema: for tests that change database-wide
   * settings (such as {@code default_transaction_read_only}), which must never reach the shared
   * database. {@code parameters} are added to its URL (e.g. {@code targetServerType=primary}).
   * {@link TestDatabase#close()} drops it, its connections included.
   */
  public static TestDatabase postgresDatabase(String parameters) {
    String base = postgresUrl();
    if (base == null) {
      throw new IllegalStateException(POSTGRES_URL_VARIABLE + " is not set");
    }
    String name = "harmont_test_" + UUID.randomUUID().toString().replace("-", "");
    Matcher m = DATABASE_IN_URL.matcher(base);
    if (!m.matches()) {
      throw new IllegalStateException(
          POSTGRES_URL_VARIABLE + " must look like jdbc:postgresql://host:port/database[?…]");
    }
    execute(base, "CREATE DATABASE " + name);
    String query = m.group(3) == null ? "" : m.group(3);
    String url =
        m.group(1)
            + name
            + query
            + (parameters.isEmpty() ? "" : (query.isEmpty() ? "?" : "&"))
            + parameters;
    DatabaseSettings settings =
        new DatabaseSettings(
            Path.of(System.getProperty("java.io.tmpdir")),
            url,
            System.getenv("HARMONT_DATABASE_USER"),
            System.getenv("HARMONT_DATABASE_PASSWORD"),
            4);
    return new TestDatabase(
        settings, () -> execute(base, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"));
  }

  /**
   * Runs one statement on the database of {@code HARMONT_TEST_POSTGRES_URL} (the shared one), e.g.
   * to change the settings of a database from {@link #postgresDatabase}.
   */
  public static void executeOnSharedDatabase(String sql) {
    execute(postgresUrl(), sql);
  }

  private static void execute(String url, String sql) {
    try (Connection c =
            DriverManager.getConnection(
                url,
                System.getenv("HARMONT_DATABASE_USER"),
                System.getenv("HARMONT_DATABASE_PASSWORD"));
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + POSTGRES_URL_VARIABLE + " is not usable: " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
