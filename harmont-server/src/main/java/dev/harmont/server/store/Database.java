package dev.harmont.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.harmont.server.account.TokenStore;
import dev.harmont.server.account.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Opens the database named by {@link DatabaseSettings}, applies the migrations, and hands out the
 * stores. SQLite gets WAL, a busy timeout, foreign keys, full fsync on commit (unless {@link
 * SqliteSynchronous#NORMAL} is chosen), many reader connections and one writer connection (writes
 * queue in the pool instead of fighting over the file lock). PostgreSQL gets one pool for both,
 * with short timeouts so that an outage fails requests fast instead of holding them.
 */
public final class Database implements AutoCloseable {
  // A request waits at most this long for a connection before it is answered 503.
  private static final Duration CONNECTION_TIMEOUT = Duration.ofMillis(2000);
  private static final int SQLITE_BUSY_TIMEOUT_MS = 5000;

  private final Dialect dialect;
  private final HikariDataSource reads;
  private final HikariDataSource writes;

  private Database(Dialect dialect, HikariDataSource reads, HikariDataSource writes) {
    this.dialect = dialect;
    this.reads = reads;
    this.writes = writes;
  }

  /** Opens the pools and migrates the schema to the newest version. */
  public static Database open(DatabaseSettings settings) {
    String url = settings.jdbcUrl();
    Dialect dialect = Dialect.forUrl(url);
    if (dialect == Dialect.SQLITE && (settings.url() == null || settings.url().isBlank())) {
      try {
        Files.createDirectories(settings.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create data directory " + settings.dataDir(), e);
      }
    }
    Database db =
        switch (dialect) {
          case SQLITE -> {
            HikariDataSource writer =
                pool(
                    settings,
                    "harmont-sqlite-writer",
                    1,
                    sqliteProps(true, settings.sqliteSynchronous()));
            HikariDataSource reader =
                pool(
                    settings,
                    "harmont-sqlite-reader",
                    settings.poolSize(),
                    sqliteProps(false, settings.sqliteSynchronous()));
            yield new Database(dialect, reader, writer);
          }
          case POSTGRESQL -> {
            HikariDataSource both =
                pool(settings, "harmont-postgresql", settings.poolSize(), postgresProps());
            yield new Database(dialect, both, both);
          }
        };
    try {
      db.migrate();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(writes)
        .locations(dialect.migrationLocation())
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }

  public Dialect dialect() {
    return dialect;
  }

  public UserStore users() {
    return new JdbcUserStore(this);
  }

  public TokenStore tokens() {
    return new JdbcTokenStore(this);
  }

  DataSource reads() {
    return reads;
  }

  DataSource writes() {
    return writes;
  }

  /** True when the database answers a trivial query within the connection timeout. */
  public boolean isReady() {
    try (Connection c = reads.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(2);
      s.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    reads.close();
    writes.close();
  }

  private static HikariDataSource pool(
      DatabaseSettings settings, String name, int size, Properties driverProperties) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(settings.jdbcUrl());
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(1, size));
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setValidationTimeout(1000);
    // Start even when the database is down: requests then answer 503 until it is back.
    config.setInitializationFailTimeout(-1);
    config.setDataSourceProperties(driverProperties);
    return new HikariDataSource(config);
  }

  private static Properties sqliteProps(boolean writer, SqliteSynchronous synchronous) {
    Properties p = new Properties();
    p.setProperty("journal_mode", "WAL");
    p.setProperty("busy_timeout", Integer.toString(SQLITE_BUSY_TIMEOUT_MS));
    p.setProperty("foreign_keys", "true");
    // FULL (the default): a commit is on disk before the 201 goes out, even across a power loss.
    // NORMAL: fsync at checkpoints only; survives kill -9, not an OS crash (SqliteSynchronous).
    p.setProperty("synchronous", synchronous.name());
    if (writer) {
      // Take the write lock at BEGIN, so a transaction never fails half-way on lock upgrade.
      p.setProperty("transaction_mode", "IMMEDIATE");
    }
    return p;
  }

  private static Properties postgresProps() {
    Properties p = new Properties();
    p.setProperty("connectTimeout", "2");
    p.setProperty("loginTimeout", "2");
    // A query that hangs on a dead socket must not hold a request forever.
    p.setProperty("socketTimeout", "10");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "harmont");
    return p;
  }

  /** The URL without credentials, for messages and logs. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^/@]*@", "//***@");
  }
}
