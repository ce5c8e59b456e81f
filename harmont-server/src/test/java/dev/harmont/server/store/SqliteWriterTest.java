package dev.harmont.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Group commit: writes waiting together share one transaction, and still behave as if each had its
 * own (own result, own failure, nothing half-done, answered only after the commit). Run with and
 * without the writer's own fsync of the log.
 */
class SqliteWriterTest {
  @TempDir Path dir;

  private SQLiteDataSource source;
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
  private final List<SqliteWriter> writers = new ArrayList<>();

  @BeforeEach
  void createTable() throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(5000);
    // As the server's writer connection (Database): the write lock is taken at BEGIN.
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + dir.resolve("w.db"));
    try (Connection c = source.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    }
  }

  @AfterEach
  void stop() {
    writers.forEach(SqliteWriter::close);
    callers.shutdownNow();
  }

  private SqliteWriter writer(boolean syncLog, Duration maxWait) {
    SqliteWriter w = new SqliteWriter(source, maxWait, syncLog);
    writers.add(w);
    return w;
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void writesWaitingTogetherShareOneCommitAndEachGetsItsOwnOutcome(boolean syncLog)
      throws Exception {
    SqliteWriter w = writer(syncLog, Duration.ofSeconds(10));
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> first = holdWriter(w, release, c -> insert(c, 1, "first"));
    long commitsBefore = w.commits();

    // While the writer is busy, five writes queue: two good, one that fails half-way through,
    // one breaking a constraint, one more good.
    Future<Integer> a = callers.submit(() -> w.write(c -> insert(c, 2, "a")));
    awaitWaiting(w, 1);
    Future<Integer> halfDone =
        callers.submit(
            () ->
                w.<Integer>write(
                    c -> {
                      insert(c, 3, "half");
                      throw new IllegalStateException("fails after its first statement");
                    }));
    awaitWaiting(w, 2);
    Future<Integer> duplicate = callers.submit(() -> w.write(c -> insert(c, 2, "again")));
    awaitWaiting(w, 3);
    Future<Integer> b = callers.submit(() -> w.write(c -> insert(c, 4, "b")));
    awaitWaiting(w, 4);
    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThatThrownBy(() -> halfDone.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("fails after its first statement");
    assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(SqlErrors.StorageException.class);

    // The first write's transaction, then one for the four waiting ones.
    assertThat(w.commits() - commitsBefore).isEqualTo(2);
    assertThat(rows()).containsExactly("1=first", "2=a", "4=b");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void manyConcurrentWritersAllLandOnceWithFewerCommitsThanWrites(boolean syncLog)
      throws Exception {
    SqliteWriter w = writer(syncLog, Duration.ofSeconds(10));
    int writes = 400;
    CountDownLatch release = new CountDownLatch(1);
    // Hold the writer so that the writes pile up, as they do under load.
    Future<Integer> holder = holdWriter(w, release, c -> 0);
    List<Future<Integer>> results = new ArrayList<>();
    for (int i = 0; i < writes; i++) {
      int k = 100 + i;
      results.add(callers.submit(() -> w.write(c -> insert(c, k, "v" + k))));
    }
    awaitWaiting(w, writes);
    release.countDown();
    holder.get(10, TimeUnit.SECONDS);
    for (Future<Integer> r : results) {
      assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(rows()).hasSize(writes);
    // At most 128 writes per transaction: 400 waiting writes take 4 commits, plus the holder's.
    assertThat(w.commits()).isEqualTo(5);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void betweenBatchesTheWriterHoldsNoLockSoAnotherProcessCanWrite(boolean syncLog)
      throws Exception {
    SqliteWriter w = writer(syncLog, Duration.ofSeconds(10));
    assertThat(w.<Integer>write(c -> insert(c, 1, "server"))).isEqualTo(1);

    // Another process (the admin CLI) writes with a short busy timeout: it must not wait at all.
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(200);
    SQLiteDataSource other = new SQLiteDataSource(config);
    other.setUrl(source.getUrl());
    try (Connection c = other.getConnection()) {
      c.setAutoCommit(false);
      insert(c, 2, "cli");
      c.commit();
    }
    assertThat(w.<Integer>write(c -> insert(c, 3, "server again"))).isEqualTo(1);
    assertThat(rows()).containsExactly("1=server", "2=cli", "3=server again");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aWriteThatWaitedTooLongIsRefusedAsUnavailableAndNeverRuns(boolean syncLog) throws Exception {
    SqliteWriter w = writer(syncLog, Duration.ofMillis(100));
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> slow = holdWriter(w, release, c -> insert(c, 1, "slow"));
    Future<Integer> late = callers.submit(() -> w.write(c -> insert(c, 2, "late")));
    // Queued first, then kept waiting past its 100 ms: the writer is held until after the sleep,
    // so a busy machine cannot let the first write finish before the late one is even queued.
    awaitWaiting(w, 1);
    sleep(400);
    release.countDown();

    assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            HarmontException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
    assertThat(rows()).containsExactly("1=slow");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void closingFinishesQueuedWritesAndRefusesNewOnes(boolean syncLog) throws Exception {
    SqliteWriter w = writer(syncLog, Duration.ofSeconds(10));
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> running = holdWriter(w, release, c -> insert(c, 1, "running"));
    Future<Integer> queued = callers.submit(() -> w.write(c -> insert(c, 2, "queued")));
    awaitWaiting(w, 1);

    Future<?> closing = callers.submit(w::close);
    release.countDown();
    closing.get(20, TimeUnit.SECONDS);

    assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThatThrownBy(() -> w.write(c -> insert(c, 3, "after close")))
        .isInstanceOfSatisfying(
            HarmontException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
    assertThat(rows()).containsExactly("1=running", "2=queued");
  }

  /**
   * Submits a write that keeps the writer busy until {@code release}, then does {@code work};
   * returns once that write is running, so what is submitted next waits for the next batch.
   */
  private Future<Integer> holdWriter(
      SqliteWriter w, CountDownLatch release, Jdbc.Work<Integer> work) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    Future<Integer> held =
        callers.submit(
            () ->
                w.write(
                    c -> {
                      running.countDown();
                      await(release);
                      return work.run(c);
                    }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    return held;
  }

  private static int insert(Connection c, int k, String v) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
      ps.setInt(1, k);
      ps.setString(2, v);
      return ps.executeUpdate();
    }
  }

  private List<String> rows() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = source.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT k, v FROM t ORDER BY k")) {
      while (rs.next()) {
        out.add(rs.getInt(1) + "=" + rs.getString(2));
      }
    }
    return out;
  }

  private static void awaitWaiting(SqliteWriter w, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (w.waiting() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("expected " + n + " waiting writes, saw " + w.waiting());
      }
      Thread.sleep(5);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
