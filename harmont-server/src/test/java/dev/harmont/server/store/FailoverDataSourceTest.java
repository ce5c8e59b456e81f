package dev.harmont.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Connection attempts bridge a short gap without a primary and fail at once for anything else. The
 * faults are injected (a driver that cannot connect N times); the real failover is in
 * scripts/ha-failover.sh.
 */
class FailoverDataSourceTest {
  private static final Connection CONNECTION =
      (Connection)
          Proxy.newProxyInstance(
              FailoverDataSourceTest.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> null);

  @Test
  void aPrimaryThatAppearsWithinThePatienceIsConnectedTo() throws SQLException {
    FlakyDriver driver = new FlakyDriver(3, "08001");

    assertThat(new FailoverDataSource(driver).getConnection()).isSameAs(CONNECTION);
    assertThat(driver.attempts.get()).isEqualTo(4);
  }

  @Test
  void noPrimaryForLongerThanThePatienceFailsWithTheDriversError() {
    FlakyDriver driver = new FlakyDriver(Integer.MAX_VALUE, "08001");

    assertThatThrownBy(() -> new FailoverDataSource(driver).getConnection())
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"));
    assertThat(driver.attempts.get()).isGreaterThan(1);
  }

  @Test
  void aServerStartingOrStoppingIsWaitedForToo() throws SQLException {
    FlakyDriver driver = new FlakyDriver(1, "57P03");

    assertThat(new FailoverDataSource(driver).getConnection()).isSameAs(CONNECTION);
  }

  @Test
  void wrongCredentialsFailAtOnce() {
    FlakyDriver driver = new FlakyDriver(Integer.MAX_VALUE, "28P01");

    assertThatThrownBy(() -> new FailoverDataSource(driver).getConnection())
        .isInstanceOf(SQLException.class);
    assertThat(driver.attempts.get()).isOne();
  }

  /** Fails the first {@code failures} attempts with {@code sqlState}, then connects. */
  private static final class FlakyDriver implements DataSource {
    final AtomicInteger attempts = new AtomicInteger();
    private final int failures;
    private final String sqlState;

    FlakyDriver(int failures, String sqlState) {
      this.failures = failures;
      this.sqlState = sqlState;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (attempts.incrementAndGet() <= failures) {
        throw new SQLException("injected", sqlState);
      }
      return CONNECTION;
    }

    @Override
    public Connection getConnection(String username, String password) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
