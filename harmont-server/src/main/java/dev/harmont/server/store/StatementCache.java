package dev.harmont.server.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements kept open on one connection and handed out again for the same SQL, so the
 * SQLite writer does not parse and plan its few statements for every write. The store code stays
 * plain JDBC: it gets a {@link Connection} whose {@code prepareStatement(String)} returns a cached
 * statement, and closing that statement only clears its parameters. Used by one thread at a time
 * (the writer), on a connection it holds for as long as the cache lives.
 */
final class StatementCache implements AutoCloseable {
  // The stores use a handful of constant SQL strings; anything beyond this is prepared uncached.
  private static final int MAX_STATEMENTS = 64;

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Connection caching;

  StatementCache(Connection connection) {
    this.connection = connection;
    this.caching =
        (Connection)
            Proxy.newProxyInstance(
                Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                new ConnectionHandler());
  }

  /** The connection to give to store code. */
  Connection connection() {
    return caching;
  }

  /** The cached statement for {@code sql}, prepared on first use; never close it. */
  PreparedStatement statement(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  /** Closes every cached statement (not the connection). */
  @Override
  public void close() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // Going away with its connection anyway.
      }
    }
    statements.clear();
  }

  private final class ConnectionHandler implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("prepareStatement")
          && args != null
          && args.length == 1
          && (statements.containsKey((String) args[0]) || statements.size() < MAX_STATEMENTS)) {
        PreparedStatement cached = statement((String) args[0]);
        return Proxy.newProxyInstance(
            PreparedStatement.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            new StatementHandler(cached));
      }
      return forward(connection, method, args);
    }
  }

  /** One use of a cached statement: {@code close()} ends the use, not the statement. */
  private static final class StatementHandler implements InvocationHandler {
    private final PreparedStatement statement;
    private boolean closed;

    StatementHandler(PreparedStatement statement) {
      this.statement = statement;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          if (!closed) {
            closed = true;
            statement.clearParameters();
          }
          return null;
        }
        case "isClosed" -> {
          return closed;
        }
        default -> {
          if (closed) {
            throw new SQLException("The statement is closed");
          }
          return forward(statement, method, args);
        }
      }
    }
  }

  private static Object forward(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
