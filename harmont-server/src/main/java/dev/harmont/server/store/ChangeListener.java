package dev.harmont.server.store;

import dev.harmont.server.account.AuthCacheInvalidations;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One node's ear on PostgreSQL: a dedicated connection (not from the pool) that {@code LISTEN}s on
 * the schema's channel ({@link ChangeNotices}) and passes every notice on to the authentication
 * cache, on a daemon thread of its own.
 *
 * <p>Every quarter of the short TTL it also sends {@code SELECT 1} and then tells the cache {@link
 * AuthCacheInvalidations#caughtUpTo} the instant before it sent it: PostgreSQL delivers the notices
 * of every transaction committed before a query ran ahead of that query's answer, so by then they
 * have all been passed on. If the connection dies or hangs, those confirmations stop and the cache
 * falls back to the short TTL on its own within one short TTL; a failure the driver reports (the
 * backend terminated, PostgreSQL restarting, a reset connection) also empties the cache at once.
 * The listener then reconnects, backing off from 100 ms to 5 s, and on each (re)connect empties the
 * cache again, after {@code LISTEN} took effect: it cannot know what it missed.
 */
public final class ChangeListener implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ChangeListener.class.getName());
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  // A heartbeat that takes longer means the connection is gone: reconnect.
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

  private final Database database;
  private final AuthCacheInvalidations cache;
  private final Clock clock;
  private final long heartbeatNanos;
  private final String applicationName;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Connection connection;
  private volatile long connects;

  private ChangeListener(
      Database database, AuthCacheInvalidations cache, Duration shortTtl, Clock clock) {
    this.database = database;
    this.cache = cache;
    this.clock = clock;
    this.heartbeatNanos = Math.max(shortTtl.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(5));
    this.applicationName =
        "harmont-listener-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    this.thread = Thread.ofPlatform().name(applicationName).daemon().unstarted(this::run);
  }

  /**
   * Starts listening for {@code database}'s notices (PostgreSQL only) and passing them on to {@code
   * cache}, confirming at least four times per {@code shortTtl}.
   */
  public static ChangeListener start(
      Database database, AuthCacheInvalidations cache, Duration shortTtl, Clock clock) {
    if (database.notices().channel() == null) {
      throw new IllegalArgumentException("only PostgreSQL sends notices");
    }
    ChangeListener listener = new ChangeListener(database, cache, shortTtl, clock);
    listener.thread.start();
    return listener;
  }

  /** The listening connection's {@code application_name} in {@code pg_stat_activity}. */
  public String applicationName() {
    return applicationName;
  }

  /** How many times the listener has connected and started listening so far. */
  public long connects() {
    return connects;
  }

  private void run() {
    long backoff = MIN_BACKOFF.toNanos();
    boolean everConnected = false;
    boolean warned = false; // once per outage, not at every attempt
    while (!closed) {
      try (Connection c = database.openListenerConnection(applicationName, SOCKET_TIMEOUT)) {
        connection = c;
        if (closed) {
          return;
        }
        listen(c);
        if (everConnected) {
          LOG.log(Level.INFO, "listening for changes again; the authentication cache was emptied");
        }
        everConnected = true;
        warned = false;
        backoff = MIN_BACKOFF.toNanos();
        serve(c);
      } catch (SQLException | RuntimeException e) {
        cache.forgetAll();
        if (closed) {
          return;
        }
        LOG.log(
            warned ? Level.DEBUG : Level.WARNING,
            "not listening for changes ("
                + e.getMessage()
                + "); other nodes' revocations show within the short cache TTL until it reconnects");
        warned = true;
      } finally {
        connection = null;
      }
      sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
      backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
    }
  }

  private void listen(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN \"" + database.notices().channel().replace("\"", "\"\"") + "\"");
    }
    // Only now, with LISTEN in effect: whatever is looked up after this is either current or
    // will be notified.
    cache.forgetAll();
    cache.caughtUpTo(clock.instant());
    connects++;
  }

  private void serve(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long nextBeat = System.nanoTime() + heartbeatNanos;
    try (Statement s = c.createStatement()) {
      while (!closed) {
        long waitMillis = TimeUnit.NANOSECONDS.toMillis(nextBeat - System.nanoTime());
        // Returns as soon as a notice arrives, else after waitMillis.
        deliver(pg.getNotifications((int) Math.max(1, waitMillis)));
        if (System.nanoTime() - nextBeat >= 0) {
          Instant before = clock.instant();
          s.execute("SELECT 1");
          deliver(pg.getNotifications()); // what arrived ahead of the answer
          cache.caughtUpTo(before);
          nextBeat = System.nanoTime() + heartbeatNanos;
        }
      }
    }
  }

  private void deliver(PGNotification[] notices) {
    if (notices == null) {
      return;
    }
    for (PGNotification notice : notices) {
      ChangeNotices.deliver(notice.getParameter(), cache);
    }
  }

  private void sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** Stops listening and closes the connection; waits a few seconds at most. */
  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run); // wakes the thread out of its wait
      } catch (SQLException | RuntimeException e) {
        // Closing anyway.
      }
    }
    thread.interrupt();
    try {
      thread.join(CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
