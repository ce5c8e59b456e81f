package dev.harmont.cloud;

import java.time.Duration;

/** Waits between attempts. Tests replace it (through the builder) so they never sleep. */
@FunctionalInterface
interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
