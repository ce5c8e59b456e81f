package dev.harmont.server.http;

import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log, written by one background thread: request threads only hand over a line, so the
 * console handler's lock and flush never sit on the request path (measured: it capped throughput
 * and tripled p99 under load). When the queue is full the line is dropped and counted, and the
 * count is logged with the next line that gets through, rather than slowing requests down.
 */
final class AccessLog {
  private static final System.Logger LOG = System.getLogger("dev.harmont.access");
  private static final int CAPACITY = 16_384;
  private static final BlockingQueue<String> LINES = new ArrayBlockingQueue<>(CAPACITY);
  private static final AtomicLong DROPPED = new AtomicLong();

  static {
    Thread writer = new Thread(AccessLog::drain, "harmont-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  private AccessLog() {}

  static boolean enabled() {
    return LOG.isLoggable(Level.INFO);
  }

  static void record(String line) {
    if (!LINES.offer(line)) {
      DROPPED.incrementAndGet();
    }
  }

  private static void drain() {
    while (true) {
      try {
        String line = LINES.take();
        long dropped = DROPPED.getAndSet(0);
        if (dropped > 0) {
          LOG.log(Level.WARNING, dropped + " access-log lines dropped (queue full)");
        }
        LOG.log(Level.INFO, line);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
