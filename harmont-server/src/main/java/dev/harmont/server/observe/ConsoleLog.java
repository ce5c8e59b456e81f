package dev.harmont.server.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * The server's console (stderr) handler: every line is formatted on the thread that logs it, access
 * lines are buffered and written in batches, every other line is written at once.
 *
 * <p>Why (bench/RESULTS.md, issue 16): {@code java.util.logging.ConsoleHandler} writes and flushes
 * stderr under a lock for each line, and handing each line to a writer thread instead costs a
 * thread wake-up per request; on a busy machine both put the access log in the latency tail of
 * every request. This is nginx's {@code access_log … buffer= flush=}: an access line is appended to
 * a buffer; the buffer is written by one writer thread when it holds {@value #BATCH_CHARS}
 * characters (one wake-up per batch, one {@code write} per batch) or {@value #FLUSH_MILLIS} ms
 * after its first line, whichever comes first.
 *
 * <p>A line of any other kind (start-up, warnings, errors, application lines) is written on the
 * caller's thread right away, after the access lines buffered before it, so the output keeps the
 * order in which lines were logged. {@link #flush()} and {@link #close()} (at shutdown) write what
 * is buffered.
 *
 * <p>Requests never wait for the console: when stderr cannot take lines (a stuck terminal or pipe)
 * and {@value #MAX_PENDING_CHARS} characters of access lines are already waiting, further access
 * lines are dropped, counted ({@link #droppedAccessLines()}, exported as {@code
 * harmont_access_log_dropped_total}) and reported by a warning at most every 10 s once the output
 * moves again.
 */
public final class ConsoleLog extends Handler {
  static final int BATCH_CHARS = 64 * 1024;
  static final int MAX_PENDING_CHARS = 2 * 1024 * 1024;
  static final long FLUSH_MILLIS = 100;
  private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final AtomicLong DROPPED_TOTAL = new AtomicLong();

  private final OutputStream out;
  private final long flushNanos;
  private final Charset charset;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Thread writer;
  // Lock-free: request threads on different carriers append at once without ever parking (a
  // contended lock would unmount the virtual thread, a monitor would also wake the JDK's unblocker
  // thread). The count is taken before a line is queued, so it may briefly exceed what the queue
  // holds, never fall short of it.
  private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
  private final AtomicLong pendingChars = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;
  // True while the writer sleeps until a line arrives; under load it never does, and an append
  // wakes it only when a batch fills: one wake-up and one write per batch.
  private volatile boolean idle;
  private long reportedDrops;
  private long lastWarning = System.nanoTime() - WARNING_INTERVAL_NANOS;

  /** On stderr with the text format: what {@code java.util.logging} builds from its config. */
  public ConsoleLog() {
    this(System.err, System.err.charset(), new TextLogFormatter(), FLUSH_MILLIS);
  }

  /** On another stream, with another flush interval: for tests. */
  ConsoleLog(OutputStream out, Charset charset, Formatter formatter, long flushMillis) {
    this.out = out;
    this.flushNanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
    this.charset = charset;
    setFormatter(formatter);
    setLevel(Level.ALL);
    writer = Thread.ofPlatform().name("harmont-log-writer").daemon().unstarted(this::writeBatches);
    writer.start();
  }

  /** What the writer thread is doing: for tests that need it waiting. */
  Thread.State writerState() {
    return writer.getState();
  }

  /** Access lines dropped since the process started because the output did not move. */
  public static long droppedAccessLines() {
    return DROPPED_TOTAL.get();
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record)) {
      return;
    }
    String line;
    try {
      line = getFormatter().format(record);
    } catch (RuntimeException e) {
      reportError(null, e, ErrorManager.FORMAT_FAILURE);
      return;
    }
    if (!closed && record instanceof RequestLogRecord request && request.access() != null) {
      buffer(line);
    } else {
      write(line);
    }
  }

  /** Appends an access line; wakes the writer when a batch is full, or when it sleeps idle. */
  private void buffer(String line) {
    int length = line.length();
    long after = pendingChars.addAndGet(length);
    if (after > MAX_PENDING_CHARS) {
      pendingChars.addAndGet(-length);
      dropped.incrementAndGet();
      DROPPED_TOTAL.incrementAndGet();
      return;
    }
    pending.add(line);
    long before = after - length;
    if ((before == 0 && idle) || (before < BATCH_CHARS && after >= BATCH_CHARS)) {
      LockSupport.unpark(writer);
    }
  }

  /** Writes what is buffered, then {@code line}, on the caller's thread. */
  private void write(String line) {
    writeLock.lock();
    try {
      writeOut(takePending(line));
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void flush() {
    writeLock.lock();
    try {
      writeOut(takePending(""));
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(writer);
    flush();
  }

  /** The queued access lines, then {@code line}; called holding the write lock. */
  private String takePending(String line) {
    if (pendingChars.get() == 0) {
      return line;
    }
    StringBuilder text =
        new StringBuilder((int) Math.min(pendingChars.get(), MAX_PENDING_CHARS) + line.length());
    long taken = 0;
    for (String queued = pending.poll(); queued != null; queued = pending.poll()) {
      text.append(queued);
      taken += queued.length();
    }
    pendingChars.addAndGet(-taken);
    return text.append(line).toString();
  }

  private void writeOut(String text) {
    if (text.isEmpty()) {
      return;
    }
    try {
      out.write(text.getBytes(charset));
      out.flush();
    } catch (IOException | RuntimeException e) {
      reportError(null, e, ErrorManager.WRITE_FAILURE);
    }
  }

  /**
   * The writer thread: sleeps while nothing is buffered; once a line arrives, waits for the batch
   * to fill or {@value #FLUSH_MILLIS} ms to pass, writes it in one call, and reports drops (once
   * the output moves, at most every 10 s).
   */
  private void writeBatches() {
    while (!closed) {
      if (pendingChars.get() == 0 && dropped.get() <= reportedDrops) {
        idle = true;
        if (pendingChars.get() == 0 && !closed) {
          LockSupport.park(this); // until the next line arrives
        }
        idle = false;
        continue;
      }
      LockSupport.parkNanos(this, flushNanos); // or until a batch fills
      flush();
      reportDrops();
    }
  }

  private void reportDrops() {
    long total = dropped.get();
    if (total > reportedDrops && System.nanoTime() - lastWarning >= WARNING_INTERVAL_NANOS) {
      LogRecord warning =
          new LogRecord(
              Level.WARNING,
              (total - reportedDrops)
                  + " access-log lines dropped: more than "
                  + MAX_PENDING_CHARS
                  + " characters were waiting to be written ("
                  + total
                  + " since start, see harmont_access_log_dropped_total)");
      warning.setLoggerName(RequestLogRecord.ACCESS_LOGGER);
      reportedDrops = total;
      lastWarning = System.nanoTime();
      publish(warning);
    }
  }
}
