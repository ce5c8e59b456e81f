package dev.harmont.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one classification table: passing outages are 503s, everything else stays a bug. */
class SqlErrorsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "08001", // cannot connect
        "08006", // connection lost
        "57P01", // admin shutdown: PostgreSQL is stopping (a failover demotes the primary)
        "57P02", // crash shutdown
        "57P03", // cannot connect now: still starting
        "53300", // too many connections
        "40001", // serialization failure
        "40P01", // deadlock
        "57014", // statement_timeout
        "55P03", // lock_timeout
        "25006" // read-only: a standby, mid-failover
      })
  void passingOutagesAre503(String sqlState) {
    SQLException e = new SQLException("boom", sqlState);

    assertThat(SqlErrors.isUnavailable(e)).isTrue();
    assertThat(SqlErrors.translate(e))
        .isInstanceOfSatisfying(
            HarmontException.class,
            h -> assertThat(h.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"42P01", "42703", "22P02", "23503", "XX000"})
  void bugsStayBugs(String sqlState) {
    SQLException e = new SQLException("boom", sqlState);

    assertThat(SqlErrors.isUnavailable(e)).isFalse();
    assertThat(SqlErrors.translate(e)).isInstanceOf(SqlErrors.StorageException.class);
  }

  @Test
  void thePoolTimingOutIsUnavailableWhateverItsCause() {
    SQLException poolTimeout =
        new SQLTransientConnectionException(
            "Connection is not available", null, new SQLException("refused", "08001"));

    assertThat(SqlErrors.isUnavailable(poolTimeout)).isTrue();
  }

  @Test
  void aConnectionFailureDeeperInTheCauseChainCounts() {
    SQLException wrapped = new SQLException("outer", null, new SQLException("inner", "08006"));

    assertThat(SqlErrors.isUnavailable(wrapped)).isTrue();
  }

  @Test
  void theReadOnlyErrorMakesThePoolDropTheConnectionAndOthersFollowThePoolsRules() {
    SqlErrors.ReadOnlyEviction eviction = new SqlErrors.ReadOnlyEviction();

    assertThat(eviction.adjudicate(new SQLException("read-only transaction", "25006")))
        .isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
    assertThat(eviction.adjudicate(new SQLException("duplicate key", "23505")))
        .isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
    assertThat(eviction.adjudicate(new SQLException("connection lost", "08006")))
        .isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
  }
}
