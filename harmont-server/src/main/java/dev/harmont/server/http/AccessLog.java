package dev.harmont.server.http;

import dev.harmont.server.observe.RequestLogRecord;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The access log, written by one background thread: request threads only hand over an entry, so the
 * console handler's lock and flush (and building the line) never sit on the request path (measured:
 * it capped throughput and tripled p99 under load). When {@value #CAPACITY} entries are already
 * waiting, a new one is dropped rather than slowing requests down: every drop is counted ({@link
 * #droppedTotal()}, exported as {@code harmont_access_log_dropped_total}) and reported by a warning
 * line on this logger at most every {@link #WARNING_INTERVAL_NANOS 10 s} while drops go on.
 */
final class AccessLog {
  static final String LOGGER = "dev.harmont.access";
  static final int CAPACITY = 16_384;
  private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final Logger LOG = Logger.getLogger(LOGGER);
  private static final BlockingQueue<Entry> ENTRIES = new ArrayBlockingQueue<>(CAPACITY);
  private static final AtomicLong DROPPED = new AtomicLong();

  // "000" to "999": the fraction of the text line's milliseconds, without a format per line.
  private static final String[] THOUSANDTHS = new String[1000];

  static {
    for (int i = 0; i < THOUSANDTHS.length; i++) {
      THOUSANDTHS[i] = String.valueOf(1000 + i).substring(1);
    }
    Thread writer = new Thread(AccessLog::drain, "harmont-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** One answered request, as handed over by the request thread. */
  record Entry(
      String method, String path, String route, int status, long micros, String requestId) {
    /** The text line: "GET /api/v0/user 200 1.234ms request_id=req_…". */
    String text() {
      return method
          + " "
          + path
          + " "
          + status
          + " "
          + micros / 1000
          + "."
          + THOUSANDTHS[(int) (micros % 1000)]
          + "ms request_id="
          + requestId;
    }
  }

  private AccessLog() {}

  static boolean enabled() {
    return LOG.isLoggable(Level.INFO);
  }

  static void record(Entry entry) {
    if (!ENTRIES.offer(entry)) {
      DROPPED.incrementAndGet();
    }
  }

  /** Access lines dropped since the process started because the queue was full. */
  static long droppedTotal() {
    return DROPPED.get();
  }

  private static void drain() {
    long reported = 0;
    long lastWarning = System.nanoTime() - WARNING_INTERVAL_NANOS;
    while (true) {
      try {
        // Wakes up now and then even when idle, so a burst of drops is reported after it ends.
        Entry entry = ENTRIES.poll(1, TimeUnit.SECONDS);
        long dropped = DROPPED.get();
        if (dropped > reported && System.nanoTime() - lastWarning >= WARNING_INTERVAL_NANOS) {
          LOG.log(
              Level.WARNING,
              (dropped - reported)
                  + " access-log lines dropped: more than "
                  + CAPACITY
                  + " were waiting to be written ("
                  + dropped
                  + " since start, see harmont_access_log_dropped_total)");
          reported = dropped;
          lastWarning = System.nanoTime();
        }
        if (entry != null) {
          RequestLogRecord record =
              new RequestLogRecord(
                  Level.INFO,
                  entry.text(),
                  entry.requestId(),
                  new RequestLogRecord.Access(
                      entry.method(), entry.route(), entry.status(), entry.micros()));
          record.setLoggerName(LOGGER);
          LOG.log(record);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
