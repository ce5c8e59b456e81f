package dev.harmont.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The console handler: access lines are buffered and written in batches, every other line at once
 * and in order; a console that does not move never holds a request up, and what it cost is counted
 * and reported.
 */
class ConsoleLogTest {
  /** Keeps what is written; while held, every write waits, as on a stuck terminal or pipe. */
  private static final class Console extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch writing = new CountDownLatch(1);
    private volatile boolean held;
    private volatile int writes;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (held) {
        writing.countDown();
        try {
          // Long enough that a test finishing meanwhile never sees it end by itself.
          release.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (bytes) {
        bytes.write(b, off, len);
        writes++;
      }
    }

    List<String> lines() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
      }
    }
  }

  private final Console console = new Console();
  private final ConsoleLog log = logFlushingEvery(ConsoleLog.FLUSH_MILLIS);

  private ConsoleLog logFlushingEvery(long millis) {
    return new ConsoleLog(console, StandardCharsets.UTF_8, new TextLogFormatter(), millis);
  }

  @AfterEach
  void close() {
    console.release.countDown();
    log.close();
  }

  @Test
  void accessLinesAreWrittenShortlyAfterTheFirst() throws Exception {
    for (int i = 0; i < 100; i++) {
      log.publish(access(i));
    }
    List<String> lines = awaitLines(100);
    assertThat(lines).hasSize(100);
    assertThat(lines.getFirst())
        .isEqualTo(
            "2026-11-30T05:36:22.004Z INFO dev.harmont.access: GET /healthz 200 1.000ms"
                + " request_id=req_line_000000");
    assertThat(lines.getLast()).endsWith("request_id=req_line_000099");
  }

  @Test
  void accessLinesWaitingForTheTimerGoOutInOneWrite() {
    ConsoleLog patient = logFlushingEvery(TimeUnit.HOURS.toMillis(1));
    try {
      for (int i = 0; i < 100; i++) {
        patient.publish(access(i));
      }
      assertThat(console.lines()).as("nothing written per line").isEmpty();
      patient.flush();
      assertThat(console.lines()).hasSize(100);
      assertThat(console.writes).as("one write for the whole batch").isEqualTo(1);
    } finally {
      patient.close();
    }
  }

  @Test
  void aFullBatchIsWrittenWithoutWaitingForTheTimer() throws Exception {
    ConsoleLog patient = logFlushingEvery(TimeUnit.HOURS.toMillis(1));
    try {
      awaitWriter(patient, Thread.State.WAITING); // nothing buffered
      patient.publish(access(0));
      awaitWriter(patient, Thread.State.TIMED_WAITING); // waiting an hour for the batch to fill
      int lines = ConsoleLog.BATCH_CHARS / lineChars() + 1;
      for (int i = 1; i < lines; i++) {
        patient.publish(access(i));
      }
      assertThat(awaitLines(lines)).hasSize(lines);
    } finally {
      patient.close();
    }
  }

  @Test
  void anApplicationLineIsWrittenAtOnceAfterTheAccessLinesBeforeIt() {
    log.publish(access(1));
    log.publish(access(2));
    LogRecord started = new LogRecord(Level.INFO, "listening on 127.0.0.1:8080");
    started.setLoggerName("dev.harmont.server");
    log.publish(started);

    List<String> lines = console.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).endsWith("request_id=req_line_000001");
    assertThat(lines.get(1)).endsWith("request_id=req_line_000002");
    assertThat(lines.get(2)).endsWith("INFO dev.harmont.server: listening on 127.0.0.1:8080");
  }

  @Test
  void closeWritesWhatIsBuffered() {
    log.publish(access(7));
    log.close();
    assertThat(console.lines()).singleElement().asString().endsWith("request_id=req_line_000007");
  }

  @Test
  void aStuckConsoleDropsAccessLinesCountsAndReportsThem() throws Exception {
    console.held = true;
    log.publish(access(0));
    assertThat(console.writing.await(10, TimeUnit.SECONDS)).as("the writer is stuck").isTrue();

    long droppedBefore = ConsoleLog.droppedAccessLines();
    int fit = ConsoleLog.MAX_PENDING_CHARS / lineChars();
    int extra = 500;
    for (int i = 1; i <= fit + extra; i++) {
      log.publish(access(i));
    }

    assertThat(ConsoleLog.droppedAccessLines() - droppedBefore).isEqualTo(extra);
    // Logging never waited for the stuck console: every line was published while its first write
    // was still stuck (it ends only when released below), however long publishing took.
    assertThat(console.writes).as("writes finished while the console was stuck").isZero();

    console.held = false;
    console.release.countDown();
    List<String> lines = awaitLines(1 + fit + 1);
    assertThat(lines.subList(0, 1 + fit))
        .as("every line that was not dropped, in order")
        .allSatisfy(line -> assertThat(line).contains("INFO dev.harmont.access: GET /healthz"))
        .last()
        .asString()
        .endsWith("request_id=req_line_%06d".formatted(fit));
    assertThat(lines.get(1 + fit))
        .contains("WARNING dev.harmont.access: " + extra + " access-log lines dropped")
        .contains("harmont_access_log_dropped_total");
  }

  private static void awaitWriter(ConsoleLog log, Thread.State state) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (log.writerState() != state && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(log.writerState()).isEqualTo(state);
  }

  private List<String> awaitLines(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> lines = console.lines();
    while (lines.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
      lines = console.lines();
    }
    return lines;
  }

  private static int lineChars() {
    return new TextLogFormatter().format(access(0)).length();
  }

  /** An access record; every one formats to a line of the same length. */
  static RequestLogRecord access(int i) {
    String requestId = "req_line_%06d".formatted(i);
    RequestLogRecord record =
        new RequestLogRecord(
            Level.INFO,
            "GET /healthz 200 1.000ms request_id=" + requestId,
            requestId,
            new RequestLogRecord.Access("GET", "/healthz", 200, 1000));
    record.setLoggerName(RequestLogRecord.ACCESS_LOGGER);
    record.setInstant(Instant.parse("2026-11-30T05:36:22.004Z"));
    return record;
  }
}
