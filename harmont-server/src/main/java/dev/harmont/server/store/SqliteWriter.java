package dev.harmont.server.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Group commit for SQLite: one thread owns the single write connection and runs every write that is
 * waiting when it becomes free in one transaction, each write inside a savepoint of its own. One
 * commit then covers the whole batch, so the number of writes per second grows with the number of
 * writers instead of being the disk's fsync rate.
 *
 * <p>Durability ({@link SqliteSynchronous#FULL}): the connection runs with {@code
 * synchronous=NORMAL}, so a commit writes the batch's frames to the write-ahead log without waiting
 * for the disk, and a second thread then fsyncs the log once for every batch committed since its
 * last fsync, before any of their callers is answered. That is the fsync SQLite's own {@code FULL}
 * does inside each commit (WAL mode: the log is synced at commit, checkpoints sync it before and
 * the database file after), moved off the writer thread: the next batch runs while the previous one
 * reaches the disk. A caller still gets its answer only once its write is on disk. A committed
 * write is visible to readers a moment before that; if the machine dies in that moment the write is
 * lost, but nobody was told it succeeded. With {@link SqliteSynchronous#NORMAL} there is no fsync
 * before answering, as with SQLite's own NORMAL.
 *
 * <p>Every caller gets exactly what a transaction of its own would have given it: its own failure
 * with nothing of its work left behind (the savepoint is rolled back; the other writes of the batch
 * go on), and a result only after its batch is committed. Writes run one after another, so each
 * sees the effects of those before it, as with one connection and one transaction per write. When
 * the commit or the fsync fails, every write of the batch fails with it.
 */
final class SqliteWriter implements AutoCloseable {
  // Writes per transaction at most: bounds how long one commit keeps the others waiting.
  private static final int MAX_BATCH = 128;
  private static final Duration[] FSYNC_BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofSeconds(1)
  };
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

  private final DataSource source;
  private final long maxWaitNanos;
  private final LinkedBlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
  // Committed batches waiting for the fsync of the log; null when nothing is fsynced.
  private final LinkedBlockingQueue<List<Job<?>>> committed;
  private final Thread thread;
  private final Thread syncer;
  // Null when not measured. Recorded by the writer and fsync threads, never by a request thread.
  private final DistributionSummary batchSizes;
  private final Timer fsyncs;
  // The writer thread's own: the connection it holds between batches, and its statements.
  private Connection connection;
  private StatementCache statements;
  private volatile boolean closed;
  private volatile boolean writerDone;
  private volatile long commits;
  // The write-ahead log of the main database, learned from the connection; null until known or
  // when the database has no file (in memory).
  private volatile Path wal;
  private boolean walKnown;

  /**
   * @param maxWait how long a write may wait for its turn before it is refused as unavailable (a
   *     busy writer answers 503 instead of holding requests without bound)
   * @param syncLog whether a write is answered only after the log holding it is fsynced; the
   *     connections must then run with {@code synchronous=NORMAL} (the fsync is done here)
   */
  SqliteWriter(DataSource source, Duration maxWait, boolean syncLog) {
    this(source, maxWait, syncLog, null);
  }

  /**
   * @param meters where batch sizes ({@code harmont_sqlite_write_batch_size}) and fsync times
   *     ({@code harmont_sqlite_fsync_seconds}) are recorded; null: not measured
   */
  SqliteWriter(DataSource source, Duration maxWait, boolean syncLog, MeterRegistry meters) {
    this.batchSizes =
        meters == null
            ? null
            : DistributionSummary.builder("harmont.sqlite.write.batch.size")
                .description("Writes committed together in one SQLite transaction.")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, MAX_BATCH)
                .register(meters);
    this.fsyncs =
        meters == null || !syncLog
            ? null
            : Timer.builder("harmont.sqlite.fsync")
                .description(
                    "Time to fsync the write-ahead log for the batches committed since the"
                        + " last fsync.")
                .serviceLevelObjectives(FSYNC_BUCKETS)
                .register(meters);
    this.source = source;
    this.maxWaitNanos = maxWait.toNanos();
    this.committed = syncLog ? new LinkedBlockingQueue<>() : null;
    this.thread = Thread.ofPlatform().name("harmont-sqlite-writer").daemon().start(this::loop);
    this.syncer =
        syncLog
            ? Thread.ofPlatform().name("harmont-sqlite-fsync").daemon().start(this::syncLoop)
            : null;
  }

  /** Runs {@code work} in the next batch and returns its result once the batch is committed. */
  <T> T write(Jdbc.Work<T> work) {
    Job<T> job = new Job<>(work, System.nanoTime());
    if (closed) {
      job.fail(closedFailure());
    } else {
      queue.add(job);
      // Closed meanwhile and not taken by the writer's last drain: answer here, never hang.
      if (closed && queue.remove(job)) {
        job.fail(closedFailure());
      }
    }
    return job.await();
  }

  private void loop() {
    List<Job<?>> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Job<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        if (batchSizes != null) {
          batchSizes.record(batch.size());
        }
        run(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable unexpected) {
        // The thread must outlive any failure, and no caller may be left waiting.
        release();
        for (Job<?> job : batch) {
          job.fail(unexpected);
        }
      } finally {
        batch.clear();
      }
    }
    for (Job<?> job; (job = queue.poll()) != null; ) {
      job.fail(closedFailure());
    }
    release();
    writerDone = true;
  }

  /** Fsyncs the log once for all the batches committed since the last time, then answers them. */
  private void syncLoop() {
    List<List<Job<?>>> batches = new ArrayList<>();
    while (true) {
      try {
        List<Job<?>> first = committed.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (writerDone && committed.isEmpty()) {
            return;
          }
          continue;
        }
        batches.add(first);
        committed.drainTo(batches);
        Throwable failure = null;
        long syncStart = System.nanoTime();
        try {
          syncLog();
          if (fsyncs != null) {
            fsyncs.record(System.nanoTime() - syncStart, TimeUnit.NANOSECONDS);
          }
        } catch (IOException e) {
          failure = new SQLException("Could not flush the database's log to disk", e);
        }
        for (List<Job<?>> batch : batches) {
          for (Job<?> job : batch) {
            if (failure == null) {
              job.complete();
            } else {
              job.failUnlessFailed(failure);
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable unexpected) {
        for (List<Job<?>> batch : batches) {
          for (Job<?> job : batch) {
            job.fail(unexpected);
          }
        }
      } finally {
        batches.clear();
      }
    }
  }

  private void syncLog() throws IOException {
    Path log = wal;
    if (log == null) {
      return;
    }
    // Opened each time: SQLite deletes the log when its last connection closes (after copying it
    // into the database file and syncing that), and a kept descriptor would then sync nothing.
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.force(false);
    } catch (NoSuchFileException gone) {
      // Checkpointed into the database file, which the checkpoint synced.
    }
  }

  /** The main database's {@code -wal} file, or null when it has no file. */
  private void learnLog(Connection c) throws SQLException {
    if (walKnown) {
      return;
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA database_list")) {
      while (rs.next()) {
        String file = rs.getString("file");
        if ("main".equals(rs.getString("name")) && file != null && !file.isEmpty()) {
          wal = Path.of(file + "-wal");
        }
      }
    }
    walKnown = true;
  }

  private void run(List<Job<?>> batch) {
    long now = System.nanoTime();
    List<Job<?>> live = new ArrayList<>(batch.size());
    for (Job<?> job : batch) {
      if (now - job.enqueuedAt > maxWaitNanos) {
        job.fail(new SQLTransientConnectionException("The database writer is busy; try again."));
      } else {
        live.add(job);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    try {
      StatementCache cache = open();
      // The transaction is spelled out rather than left to the driver, which would begin the
      // next one (and, in IMMEDIATE mode, take the write lock) right after each commit: the lock
      // is held from here to COMMIT and never between batches, so other processes (the admin
      // commands) can write while the server is idle.
      cache.statement("BEGIN IMMEDIATE").execute();
      try {
        for (Job<?> job : live) {
          runInSavepoint(cache, job);
        }
        cache.statement("COMMIT").execute();
        commits++; // written by the writer thread only
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(cache, e);
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      // Start the next batch on a fresh connection: this one may be what failed.
      release();
      for (Job<?> job : live) {
        job.failUnlessFailed(e);
      }
      return;
    }
    if (committed != null) {
      committed.add(live);
    } else {
      for (Job<?> job : live) {
        job.complete();
      }
    }
  }

  /**
   * The writer's connection, held from one batch to the next with its prepared statements. It stays
   * in auto-commit mode as far as the driver knows; {@link #run} begins and commits.
   */
  private StatementCache open() throws SQLException {
    if (connection == null) {
      Connection c = source.getConnection();
      try {
        if (committed != null) {
          learnLog(c);
        }
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
      connection = c;
      statements = new StatementCache(c);
    }
    return statements;
  }

  private void release() {
    if (connection == null) {
      return;
    }
    statements.close();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Gone either way; the pool replaces it.
    }
    connection = null;
    statements = null;
  }

  private static <T> void runInSavepoint(StatementCache cache, Job<T> job) throws SQLException {
    cache.statement("SAVEPOINT w").execute();
    T result;
    try {
      result = job.work.run(cache.connection());
    } catch (SQLException | RuntimeException e) {
      try {
        cache.statement("ROLLBACK TO w").execute();
        cache.statement("RELEASE w").execute();
      } catch (SQLException undo) {
        // SQLite rolled the whole transaction back (disk full, I/O error): the batch fails with
        // the failure that caused it.
        e.addSuppressed(undo);
        throw e;
      }
      job.failure = e;
      return;
    }
    cache.statement("RELEASE w").execute();
    job.result = result;
  }

  private static void rollbackQuietly(StatementCache cache, Throwable cause) {
    try {
      cache.statement("ROLLBACK").execute();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  private static SQLException closedFailure() {
    return new SQLTransientConnectionException("The database is closing.");
  }

  /** Writes waiting for their batch (for tests). */
  int waiting() {
    return queue.size();
  }

  /** Transactions committed so far (for tests). */
  long commits() {
    return commits;
  }

  /** Finishes the writes already queued, then stops. */
  @Override
  public void close() {
    closed = true;
    try {
      thread.join(CLOSE_GRACE);
      if (syncer != null) {
        syncer.join(CLOSE_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One write: its work, and its outcome once the batch is over. */
  private static final class Job<T> {
    final Jdbc.Work<T> work;
    final long enqueuedAt;
    private final CompletableFuture<T> done = new CompletableFuture<>();
    // Written by the writer thread, read by it or by the fsync thread (after the queue hand-off),
    // before `done` publishes the outcome.
    T result;
    Throwable failure;

    Job(Jdbc.Work<T> work, long enqueuedAt) {
      this.work = work;
      this.enqueuedAt = enqueuedAt;
    }

    void complete() {
      if (failure != null) {
        done.completeExceptionally(failure);
      } else {
        done.complete(result);
      }
    }

    void fail(Throwable e) {
      done.completeExceptionally(e);
    }

    void failUnlessFailed(Throwable e) {
      done.completeExceptionally(failure != null ? failure : e);
    }

    /** The result, or the failure as the caller's own transaction would have thrown it. */
    T await() {
      try {
        return done.join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SQLException sql) {
          throw SqlErrors.translate(sql);
        }
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
  }
}
