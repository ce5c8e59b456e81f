package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the access log cannot keep up, lines past its queue are dropped (requests are never slowed
 * down), counted for {@code harmont_access_log_dropped_total}, and reported by a warning line.
 */
class AccessLogOverloadTest {
  private final Logger access = Logger.getLogger(AccessLog.LOGGER);
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch blocked = new CountDownLatch(1);
  private final Queue<LogRecord> records = new ConcurrentLinkedQueue<>();
  private boolean parentHandlers;

  /** Holds the log's writer thread on its first line, as a stuck terminal or pipe would. */
  private final Handler stuck =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
          blocked.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void holdTheWriter() {
    parentHandlers = access.getUseParentHandlers();
    access.setUseParentHandlers(false); // 16k lines on the console help nobody
    access.addHandler(stuck);
  }

  @AfterEach
  void restore() {
    release.countDown();
    access.removeHandler(stuck);
    access.setUseParentHandlers(parentHandlers);
  }

  @Test
  void linesPastTheQueueAreDroppedCountedAndReported() throws Exception {
    long droppedBefore = AccessLog.droppedTotal();
    AccessLog.record(entry(0));
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();

    int extra = 500;
    long start = System.nanoTime();
    for (int i = 1; i <= AccessLog.CAPACITY + extra; i++) {
      AccessLog.record(entry(i));
    }
    long elapsed = System.nanoTime() - start;

    long dropped = AccessLog.droppedTotal() - droppedBefore;
    assertThat(dropped).isEqualTo(extra);
    // Handing over never waited for the stuck writer.
    assertThat(elapsed).isLessThan(TimeUnit.SECONDS.toNanos(5));

    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    LogRecord warning = null;
    while (warning == null && System.nanoTime() < deadline) {
      warning =
          records.stream().filter(r -> r.getLevel() == Level.WARNING).findFirst().orElse(null);
      Thread.sleep(20);
    }
    assertThat(warning).as("a warning about the dropped lines").isNotNull();
    assertThat(warning.getMessage())
        .contains(extra + " access-log lines dropped")
        .contains("harmont_access_log_dropped_total");
  }

  private static AccessLog.Entry entry(int i) {
    return new AccessLog.Entry("GET", "/healthz", "/healthz", 200, 1000, "req_overload_" + i);
  }
}
