package dev.harmont.server.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Opens the PostgreSQL pool's connections, and when none can be opened because no server answers as
 * a primary (a failover under way, a server still starting) keeps trying for a short while before
 * it fails.
 *
 * <p>Why: HikariCP retries a failed connection attempt after a back-off that doubles up to 5 s.
 * Failing fast all through a failover of ~10 s grows that back-off to its cap, so the pool would
 * find the new primary up to 5 s after it is promoted. Attempts that take {@link #PATIENCE} each
 * keep the back-off well under a second over the same outage: the node writes again within a
 * fraction of a second of the promotion. Requests never wait longer for it: they give up after the
 * pool's own connection timeout, which is longer than the patience.
 */
final class FailoverDataSource implements DataSource {
  /** How long one attempt to open a connection keeps trying; below the pool's wait (2 s). */
  static final Duration PATIENCE = Duration.ofMillis(1500);

  private static final Duration RETRY_EVERY = Duration.ofMillis(200);

  private final DataSource driver;

  FailoverDataSource(DataSource driver) {
    this.driver = driver;
  }

  @Override
  public Connection getConnection() throws SQLException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        return driver.getConnection();
      } catch (SQLException e) {
        if (!noPrimaryYet(e) || System.nanoTime() + RETRY_EVERY.toNanos() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(RETRY_EVERY);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("Interrupted while waiting for a primary", "08001", e);
      }
    }
  }

  /**
   * Connection refused or lost, no server of the requested type ({@code targetServerType}), or the
   * server starting or shutting down: a failover may end it. Wrong credentials and the like fail at
   * once.
   */
  private static boolean noPrimaryYet(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the credentials are part of the data source");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return driver.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    driver.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    driver.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return driver.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return driver.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    return driver.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || driver.isWrapperFor(type);
  }
}
