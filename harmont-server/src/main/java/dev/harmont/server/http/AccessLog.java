package dev.harmont.server.http;

import dev.harmont.server.observe.ConsoleLog;
import dev.harmont.server.observe.RequestLogRecord;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The access log: one record per answered request, logged on the request's own thread. The server's
 * console handler ({@link ConsoleLog}) formats it there and writes access lines in batches, so a
 * request costs a format and an append, never a write, a lock held across a write or a thread
 * wake-up (bench/RESULTS.md, issue 16). When stderr does not move, access lines are dropped rather
 * than slowing requests down ({@link #droppedTotal()}).
 */
final class AccessLog {
  static final String LOGGER = RequestLogRecord.ACCESS_LOGGER;

  private static final Logger LOG = Logger.getLogger(LOGGER);

  // "000" to "999": the fraction of the text line's milliseconds, without a format per line.
  private static final String[] THOUSANDTHS = new String[1000];

  static {
    for (int i = 0; i < THOUSANDTHS.length; i++) {
      THOUSANDTHS[i] = String.valueOf(1000 + i).substring(1);
    }
  }

  /** One answered request. */
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

  /** Access lines dropped since the process started because the console did not move. */
  static long droppedTotal() {
    return ConsoleLog.droppedAccessLines();
  }
}
