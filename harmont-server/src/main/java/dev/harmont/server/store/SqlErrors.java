package dev.harmont.server.store;

import com.zaxxer.hikari.SQLExceptionOverride;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one table that classifies storage failures: a database that is down, unreachable or busy
 * becomes 503 {@code service_unavailable} (the client may retry); anything else stays a bug and
 * becomes a 500 upstream of here.
 */
final class SqlErrors {
  // PostgreSQL: a write in a read-only transaction.
  private static final String READ_ONLY = "25006";

  private SqlErrors() {}

  static boolean isUniqueViolation(SQLException e) {
    if ("23505".equals(e.getSQLState())) {
      return true;
    }
    return e instanceof SQLiteException s
        && (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
            || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
  }

  static boolean isForeignKeyViolation(SQLException e) {
    if ("23503".equals(e.getSQLState())) {
      return true;
    }
    return e instanceof SQLiteException s
        && s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY;
  }

  /** Wraps a failure: unavailability as 503, everything else as an unchecked storage error. */
  static RuntimeException translate(SQLException e) {
    if (isUnavailable(e)) {
      return new HarmontException(
          ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.SERVICE_UNAVAILABLE.message(), e);
    }
    return new StorageException(e);
  }

  static boolean isUnavailable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLRecoverableException
          || t instanceof SQLTransientException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect now;
        // 53: insufficient resources; 40001/40P01: serialization failure, deadlock;
        // 57014: statement cancelled (statement_timeout: every statement here is a point
        // lookup, so only an overloaded server gets there); 55P03: lock_timeout;
        // 25006: read-only transaction (connected to a standby during a failover).
        if (state != null
            && (state.startsWith("08")
                || state.startsWith("57P")
                || state.startsWith("53")
                || state.equals("40001")
                || state.equals("40P01")
                || state.equals("57014")
                || state.equals("55P03")
                || state.equals(READ_ONLY))) {
          return true;
        }
      }
      if (t instanceof SQLiteException s) {
        SQLiteErrorCode code = s.getResultCode();
        if (code == SQLiteErrorCode.SQLITE_BUSY
            || code == SQLiteErrorCode.SQLITE_LOCKED
            || code.name().startsWith("SQLITE_BUSY")
            || code.name().startsWith("SQLITE_LOCKED")
            || code == SQLiteErrorCode.SQLITE_FULL
            || code == SQLiteErrorCode.SQLITE_CANTOPEN) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * For the PostgreSQL pool: a connection whose write failed because its session is read-only is
   * dropped rather than handed out again. A session keeps the read-only default it started with (a
   * standby reached mid-failover, {@code default_transaction_read_only}), so only new connections
   * find the writable primary once there is one again. Everything else is left to the pool's own
   * rules (it already drops connections on 08xxx and 57P0x).
   */
  static final class ReadOnlyEviction implements SQLExceptionOverride {
    @java.lang.Override
    public Override adjudicate(SQLException e) {
      return READ_ONLY.equals(e.getSQLState()) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }
  }

  /** A storage failure that is not the client's fault nor a passing outage. */
  static final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StorageException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
